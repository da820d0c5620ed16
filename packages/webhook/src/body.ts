import { type ExportableEvent, eventJson, nextTurn } from '@ff/exporter-core';

/** ~1 MB strings: few Buffer conversions, far from V8's string limit, and a turn of the event loop between them. */
const CHUNK_CHARS = 1 << 20;
const BODY_END = ']}';

/** One request's body: events `start` to `end` (exclusive) of the batch, minus the unserialisable ones. */
export interface EncodedPart {
  start: number;
  end: number;
  /** The body in chunks: never one giant string. */
  chunks: Buffer[];
  bytes: number;
  /** Events in the body. */
  encoded: number;
  /** Indexes (in the batch) of events that could not be encoded. */
  rejected: number[];
}

/**
 * Encodes events from `start` into one body `{"meta":…,"events":[…]}`, with core's JSON of each event
 * (GO Feature Flag's keys in their order), until `end` or until the next event would take the body past
 * `maxBytes`. A single event larger than `maxBytes` still goes, alone: the receiver decides.
 */
export async function encodePart(
  events: readonly ExportableEvent[],
  bodyStart: string,
  start: number,
  end: number,
  maxBytes: number,
): Promise<EncodedPart> {
  const chunks: Buffer[] = [];
  const rejected: number[] = [];
  let chunk = bodyStart;
  let bytes = Buffer.byteLength(bodyStart) + BODY_END.length;
  let encoded = 0;
  let i = start;
  for (; i < end; i++) {
    let json: string;
    try {
      json = eventJson(events[i] as ExportableEvent);
    } catch {
      rejected.push(i);
      continue;
    }
    const size = Buffer.byteLength(json) + (encoded > 0 ? 1 : 0);
    if (encoded > 0 && bytes + size > maxBytes) break;
    chunk += encoded > 0 ? `,${json}` : json;
    bytes += size;
    encoded++;
    if (chunk.length >= CHUNK_CHARS) {
      chunks.push(Buffer.from(chunk));
      chunk = '';
      await nextTurn();
    }
  }
  chunks.push(Buffer.from(chunk + BODY_END));
  return { start, end: i, chunks, bytes, encoded, rejected };
}
