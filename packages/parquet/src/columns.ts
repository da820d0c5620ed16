import {
  checkDate,
  type ExportableEvent,
  type FeatureEvent,
  jsonValue,
  type OnInvalidEvent,
  type TrackingEvent,
  toError,
} from '@ff/exporter-core';

/** One column of a row group, as hyparquet-writer's ParquetWriter takes it. */
export interface Column {
  name: string;
  data: unknown[] | BigInt64Array;
  /** Off where min/max would be noise: JSON text and map entries, truncated to 16 bytes, prune nothing. */
  statistics?: false;
}

export interface RowGroup {
  columns: Column[];
  rows: number;
}

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});

/** A required UTF8 column: absent reads as '' (what GO Feature Flag's Go zero value writes). */
const text = (value: unknown): string =>
  typeof value === 'string' ? value : value == null ? '' : String(value);

const date = (creationDate: unknown): bigint => BigInt(checkDate(creationDate));

/**
 * A MAP<string, string> column value: strings as they are, other values as their JSON text (`12`,
 * `true`, `{"a":1}`, `null`); entries JSON leaves out (undefined, functions) are left out too. Throws,
 * so the event is reported, for what JSON cannot carry (a BigInt, a cycle).
 */
export function stringMap(map: unknown, field: string): Readonly<Record<string, unknown>> {
  if (map == null) return EMPTY;
  if (typeof map !== 'object' || Array.isArray(map)) {
    throw new TypeError(
      `${field} must be an object of attributes, got ${Array.isArray(map) ? 'an array' : typeof map}`,
    );
  }
  const source = map as Record<string, unknown>;
  let allStrings = true;
  for (const key in source) {
    if (Object.hasOwn(source, key) && typeof source[key] !== 'string') {
      allStrings = false;
      break;
    }
  }
  // The common case (every value a string) is passed as it is: no copy per event.
  if (allStrings) return source;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (typeof value === 'string') out[key] = value;
    else if (value !== undefined && typeof value !== 'function' && typeof value !== 'symbol') {
      out[key] = value === null ? 'null' : (JSON.stringify(value) as string);
    }
  }
  return out;
}

const mismatch = (expected: string, event: ExportableEvent) =>
  new TypeError(
    `a Parquet file holds one kind of event: this batch holds ${expected} events, got kind '${String(event?.kind)}'`,
  );

/** Columns of feature events [from, to): events that cannot be encoded are reported and left out. */
export function featureRowGroup(
  events: readonly ExportableEvent[],
  from: number,
  to: number,
  onInvalid: OnInvalidEvent,
): RowGroup {
  const size = to - from;
  const kind: string[] = new Array(size);
  const contextKind: string[] = new Array(size);
  const userKey: string[] = new Array(size);
  const creationDate = new BigInt64Array(size);
  const key: string[] = new Array(size);
  const variation: string[] = new Array(size);
  const value: string[] = new Array(size);
  const isDefault: boolean[] = new Array(size);
  const version: string[] = new Array(size);
  const source: string[] = new Array(size);
  const metadata: Readonly<Record<string, unknown>>[] = new Array(size);
  let rows = 0;
  for (let i = from; i < to; i++) {
    const event = events[i] as FeatureEvent;
    let eventDate: bigint;
    let eventValue: string;
    let eventMetadata: Readonly<Record<string, unknown>>;
    // Everything that can throw comes first, so a bad event leaves no half-written row behind.
    try {
      if (event?.kind !== 'feature') throw mismatch('feature', event);
      eventDate = date(event.creationDate);
      eventValue = jsonValue(event.value);
      eventMetadata = stringMap(event.metadata, 'metadata');
    } catch (err) {
      onInvalid(i, toError(err));
      continue;
    }
    kind[rows] = event.kind;
    contextKind[rows] = text(event.contextKind);
    userKey[rows] = text(event.userKey);
    creationDate[rows] = eventDate;
    key[rows] = text(event.key);
    variation[rows] = text(event.variation);
    value[rows] = eventValue;
    isDefault[rows] = event.default === true;
    version[rows] = text(event.version);
    source[rows] = text(event.source);
    metadata[rows] = eventMetadata;
    rows++;
  }
  if (rows < size) {
    for (const column of [
      kind,
      contextKind,
      userKey,
      key,
      variation,
      value,
      isDefault,
      version,
      source,
      metadata,
    ]) {
      column.length = rows;
    }
  }
  return {
    rows,
    columns: [
      { name: 'kind', data: kind },
      { name: 'contextKind', data: contextKind },
      { name: 'userKey', data: userKey },
      { name: 'creationDate', data: rows < size ? creationDate.subarray(0, rows) : creationDate },
      { name: 'key', data: key },
      { name: 'variation', data: variation },
      { name: 'value', data: value, statistics: false },
      { name: 'default', data: isDefault },
      { name: 'version', data: version },
      { name: 'source', data: source },
      { name: 'metadata', data: metadata, statistics: false },
    ],
  };
}

/** Columns of tracking events [from, to): evaluationContext and trackingEventDetails as maps of strings. */
export function trackingRowGroup(
  events: readonly ExportableEvent[],
  from: number,
  to: number,
  onInvalid: OnInvalidEvent,
): RowGroup {
  const size = to - from;
  const kind: string[] = new Array(size);
  const contextKind: string[] = new Array(size);
  const userKey: string[] = new Array(size);
  const creationDate = new BigInt64Array(size);
  const key: string[] = new Array(size);
  const evaluationContext: Readonly<Record<string, unknown>>[] = new Array(size);
  const details: Readonly<Record<string, unknown>>[] = new Array(size);
  let rows = 0;
  for (let i = from; i < to; i++) {
    const event = events[i] as TrackingEvent;
    let eventDate: bigint;
    let eventContext: Readonly<Record<string, unknown>>;
    let eventDetails: Readonly<Record<string, unknown>>;
    try {
      if (event?.kind !== 'tracking') throw mismatch('tracking', event);
      eventDate = date(event.creationDate);
      eventContext = stringMap(event.evaluationContext, 'evaluationContext');
      eventDetails = stringMap(event.trackingEventDetails, 'trackingEventDetails');
    } catch (err) {
      onInvalid(i, toError(err));
      continue;
    }
    kind[rows] = event.kind;
    contextKind[rows] = text(event.contextKind);
    userKey[rows] = text(event.userKey);
    creationDate[rows] = eventDate;
    key[rows] = text(event.key);
    evaluationContext[rows] = eventContext;
    details[rows] = eventDetails;
    rows++;
  }
  if (rows < size) {
    for (const column of [kind, contextKind, userKey, key, evaluationContext, details]) column.length = rows;
  }
  return {
    rows,
    columns: [
      { name: 'kind', data: kind },
      { name: 'contextKind', data: contextKind },
      { name: 'userKey', data: userKey },
      { name: 'creationDate', data: rows < size ? creationDate.subarray(0, rows) : creationDate },
      { name: 'key', data: key },
      { name: 'evaluationContext', data: evaluationContext, statistics: false },
      { name: 'trackingEventDetails', data: details, statistics: false },
    ],
  };
}
