import type { ExportableEvent } from '../events.js';
import { nextTurn } from '../timers.js';
import { type OnInvalidEvent, toError } from './format.js';

/** ~1 MB strings: one write each is far faster than a write per event, and far from V8's string limit. */
const CHUNK_CHARS = 1 << 20;

/** Events tried between two looks at the clock, and how long encoding may hold the event loop. */
const CHECK_EVERY = 256;
const MAX_STALL_MS = 10;

/**
 * Encodes events one line each into ~1 MB chunks. Yields to the event loop between chunks, and by
 * work done (events tried, not bytes written: a failing event writes none), so no batch, good or
 * bad, blocks the process for long. An event whose `line` throws is reported and skipped.
 */
export async function* encodeLines<E extends ExportableEvent>(
  events: readonly E[],
  line: (event: E) => string,
  onInvalid: OnInvalidEvent,
): AsyncGenerator<Uint8Array> {
  let chunk = '';
  let turnStarted = performance.now();
  for (let i = 0; i < events.length; i++) {
    if (i % CHECK_EVERY === CHECK_EVERY - 1 && performance.now() - turnStarted > MAX_STALL_MS) {
      await nextTurn();
      turnStarted = performance.now();
    }
    try {
      chunk += line(events[i] as E);
    } catch (err) {
      onInvalid(i, toError(err));
      continue;
    }
    if (chunk.length >= CHUNK_CHARS) {
      yield Buffer.from(chunk);
      chunk = '';
      await nextTurn();
      turnStarted = performance.now();
    }
  }
  if (chunk.length > 0) yield Buffer.from(chunk);
}

/** The whole encoded batch in one buffer: for sinks that need a body in memory (small batches, tests). */
export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}
