import { randomBytes } from 'node:crypto';

/** Short random id of this process: batch ids (and so object names) never collide across processes. */
export const processId = randomBytes(4).toString('hex');
let sequence = 0;

/** `<processId>-<sequence>`: unique per process, increasing, and safe in file and object names. */
export function nextBatchId(): string {
  sequence++;
  return `${processId}-${sequence}`;
}
