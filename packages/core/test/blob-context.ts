import { type ExportContext, silentLogger } from '../src/index.js';

/** An ExportContext for calling a BlobExporter's export() directly: batch `abcd1234-1`, attempt 1, cut 2021-04-09T12:15:47Z. */
export function context(overrides: Partial<ExportContext> = {}): ExportContext {
  return {
    signal: new AbortController().signal,
    logger: silentLogger,
    batchId: 'abcd1234-1',
    attempt: 1,
    deadline: Date.now() + 30_000,
    batchCreatedAt: 1_617_970_547_000,
    ...overrides,
  };
}
