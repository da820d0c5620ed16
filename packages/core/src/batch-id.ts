import { randomBytes } from 'node:crypto';

/** Short random id of this process: batch ids (and so object names) never collide across processes. */
export const processId = randomBytes(4).toString('hex');
let sequence = 0;

/** The next batch's number in this process: the cheap part of an id, taken when a batch is cut. */
export function nextBatchNumber(): number {
  return ++sequence;
}

/** `<processId>-<number>`: unique per process, increasing, and safe in file and object names. */
export function batchIdOf(number: number): string {
  return `${processId}-${number}`;
}

/** A fresh batch id. */
export function nextBatchId(): string {
  return batchIdOf(nextBatchNumber());
}
