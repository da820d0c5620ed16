import { Readable } from 'node:stream';
import type { BlockBlobClient, BlockBlobUploadOptions } from '@azure/storage-blob';

/** Put Blob and Put Block List create the blob only where none is: the store's create-only rule. */
const CREATE_ONLY = { ifNoneMatch: '*' };

export interface BlockUploadOptions {
  contentType: string;
  signal: AbortSignal;
  /** Bytes gathered per staged block; a body smaller than this goes up as one Put Blob. */
  blockSize: number;
  /** Blocks staged at once. */
  maxConcurrency: number;
}

/**
 * Block ids: the same length for every block of a blob (Azure requires it) and derived from the
 * block's position, so a retried upload restages the same ids instead of piling up new ones.
 */
export const blockId = (index: number): string =>
  Buffer.from(String(index).padStart(6, '0')).toString('base64');

/**
 * Uploads `body` create-only: one Put Blob when it fits in one block, else staged blocks (at most
 * `maxConcurrency` in flight, so memory stays at a few blocks whatever the batch size) committed
 * by one Put Block List. Rejects with the SDK's error, after every request it started has settled.
 */
export async function uploadBlocks(
  blob: BlockBlobClient,
  body: AsyncIterable<Uint8Array>,
  options: BlockUploadOptions,
): Promise<void> {
  // A failed block aborts its siblings, so the attempt settles at once instead of finishing them.
  const siblings = new AbortController();
  const abortSignal = AbortSignal.any([options.signal, siblings.signal]);
  const common: BlockBlobUploadOptions = {
    abortSignal,
    blobHTTPHeaders: { blobContentType: options.contentType },
    conditions: CREATE_ONLY,
  };
  const inFlight = new Set<Promise<void>>();
  const ids: string[] = [];
  let failure: { error: unknown } | undefined;

  const stage = async (data: readonly Uint8Array[], length: number): Promise<void> => {
    while (inFlight.size >= options.maxConcurrency) await Promise.race(inFlight);
    if (failure) return;
    const id = blockId(ids.length);
    ids.push(id);
    // The chunks as they came, streamed: no copy into one buffer per block (less garbage, fewer GCs).
    const request: Promise<void> = blob
      .stageBlock(id, () => Readable.from(data), length, { abortSignal })
      .then(
        () => {},
        (error: unknown) => {
          failure ??= { error };
          siblings.abort();
        },
      )
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  };

  let parts: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      abortSignal.throwIfAborted();
      parts.push(chunk);
      size += chunk.length;
      if (size >= options.blockSize) {
        await stage(parts, size);
        if (failure) throw failure.error;
        parts = [];
        size = 0;
      }
    }
    if (ids.length === 0) {
      const data = Buffer.concat(parts, size);
      await blob.upload(data, data.length, common);
      return;
    }
    if (size > 0) await stage(parts, size);
    await Promise.all(inFlight);
    if (failure) throw failure.error;
    await blob.commitBlockList(ids, common);
  } catch (err) {
    // The first failure is the cause; the aborts it triggers in the sibling blocks are not.
    const cause = failure ? failure.error : err;
    siblings.abort();
    await Promise.all(inFlight);
    throw cause;
  }
}
