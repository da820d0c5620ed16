import type { ExportableEvent } from '../events.js';
import { type OnInvalidEvent, toError } from './format.js';

/** ~1 MB strings: one write each is far faster than a write per event, and far from V8's string limit. */
const CHUNK_CHARS = 1 << 20;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Encodes events one line each into ~1 MB chunks. Yields to the event loop between chunks so a large
 * batch never blocks the process for long. An event whose `line` throws is reported and skipped.
 */
export async function* encodeLines<E extends ExportableEvent>(
  events: readonly E[],
  line: (event: E) => string,
  onInvalid: OnInvalidEvent,
): AsyncGenerator<Uint8Array> {
  let chunk = '';
  for (let i = 0; i < events.length; i++) {
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
