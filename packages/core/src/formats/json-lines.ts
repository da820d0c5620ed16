import type { ExportableEvent, FeatureEvent, TrackingEvent } from '../events.js';
import { encodeLines } from './chunks.js';
import type { Format } from './format.js';
import { jsonValue } from './json-value.js';

function isNonEmpty(map: Record<string, unknown> | undefined): map is Record<string, unknown> {
  if (!map) return false;
  for (const _ in map) return true;
  return false;
}

/** creationDate as every format needs it: integer unix seconds (GO Feature Flag's int64). Throws otherwise. */
export function checkDate(creationDate: unknown): number {
  if (!Number.isSafeInteger(creationDate))
    throw new TypeError(`creationDate must be integer unix seconds, got ${String(creationDate)}`);
  return creationDate as number;
}

/**
 * One event as GO Feature Flag's `json.Marshal` writes it: same keys in the same order, `contextKind`
 * and `metadata` omitted when empty, `version` always present. One object literal of a fixed shape
 * keeps V8's fast JSON path.
 */
export function featureEventJson(event: FeatureEvent): string {
  const value = event.value;
  if (typeof value === 'function' || typeof value === 'symbol') jsonValue(value);
  return JSON.stringify({
    kind: event.kind,
    contextKind: event.contextKind || undefined,
    userKey: event.userKey,
    creationDate: checkDate(event.creationDate),
    key: event.key,
    variation: event.variation,
    value: value === undefined ? null : value,
    default: event.default === true,
    version: event.version ?? '',
    source: event.source,
    metadata: isNonEmpty(event.metadata) ? event.metadata : undefined,
  });
}

/** One tracking event as GO Feature Flag writes it: same keys, same order. Throws for an unserialisable one. */
export function trackingEventJson(event: TrackingEvent): string {
  return JSON.stringify({
    kind: event.kind,
    contextKind: event.contextKind || undefined,
    userKey: event.userKey,
    creationDate: checkDate(event.creationDate),
    key: event.key,
    evaluationContext: event.evaluationContext ?? {},
    trackingEventDetails: event.trackingEventDetails ?? {},
  });
}

/** One event's JSON line (without the newline), feature or tracking. Throws for an unserialisable one. */
export function eventJson(event: ExportableEvent): string {
  return event.kind === 'tracking' ? trackingEventJson(event) : featureEventJson(event);
}

const line = (event: ExportableEvent) => `${eventJson(event)}\n`;

/** JSON Lines, GO Feature Flag's `json` format. */
export function jsonLines(): Format {
  return {
    name: 'json',
    contentType: 'application/x-ndjson',
    encode: (events, onInvalid) => encodeLines(events, line, onInvalid),
  };
}
