// The events every writer is measured on: GO Feature Flag feature events, deterministic, with every
// kind of flag value (bool, string, number, object, array, null), anonymous users, unicode, and
// metadata on half of them (one value not a string, as providers send it).
const VALUES = [
  true,
  false,
  'variant-blue',
  42,
  // biome-ignore lint/suspicious/noApproximativeNumericConstant: a float flag value, not meant as pi
  3.14159,
  { color: 'blue', size: 12, beta: true },
  ['a', 'b', 3],
  null,
  'héllo wörld ✓ 日本',
];
const FLAGS = Array.from({ length: 50 }, (_, i) => `flag-${i}`);
const VARIATIONS = ['enabled', 'disabled', 'control', 'SdkDefault'];
const BASE_DATE = 1_767_225_600; // 2026-01-01, unix seconds

export function makeEvent(i) {
  const event = {
    kind: 'feature',
    contextKind: i % 3 === 0 ? 'anonymousUser' : 'user',
    userKey: `user-${(i * 7919) % 1_000_003}`,
    creationDate: BASE_DATE + Math.floor(i / 100),
    key: FLAGS[i % FLAGS.length],
    variation: VARIATIONS[i % VARIATIONS.length],
    value: VALUES[i % VALUES.length],
    default: i % VARIATIONS.length === 3,
    version: i % 5 === 0 ? '' : `v${i % 7}`,
    source: i % 2 === 0 ? 'SERVER' : 'PROVIDER_CACHE',
  };
  if (i % 2 === 1) event.metadata = { env: 'prod', region: 'eu-west-1', build: i % 1000 };
  return event;
}

export function makeEvents(n) {
  const events = new Array(n);
  for (let i = 0; i < n; i++) events[i] = makeEvent(i);
  return events;
}

/** Metadata as the Parquet MAP<string,string> holds it: strings as they are, anything else as JSON. */
export const metadataEntries = (metadata) =>
  Object.entries(metadata ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);

/** The row a reader must give back for an event: value as JSON text, metadata as sorted pairs. */
export function expectedRow(event) {
  return {
    kind: event.kind,
    contextKind: event.contextKind,
    userKey: event.userKey,
    creationDate: event.creationDate,
    key: event.key,
    variation: event.variation,
    value: JSON.stringify(event.value ?? null),
    default: event.default,
    version: event.version ?? '',
    source: event.source,
    metadata: metadataEntries(event.metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  };
}

const codePoints = (s) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** What a reader is checked against: the count, sums over every row, and every 997th row in full. */
export function expectations(n) {
  let sumCreationDate = 0;
  let defaults = 0;
  let valueChars = 0;
  let metadataEntriesCount = 0;
  const samples = [];
  for (let i = 0; i < n; i++) {
    const row = expectedRow(makeEvent(i));
    sumCreationDate += row.creationDate;
    if (row.default) defaults++;
    valueChars += codePoints(row.value);
    metadataEntriesCount += row.metadata.length;
    if (i % 997 === 0 || i === n - 1) samples.push({ index: i, row });
  }
  return { count: n, sumCreationDate, defaults, valueChars, metadataEntries: metadataEntriesCount, samples };
}

/**
 * GO Feature Flag's columns for events [from, to), the same for every writer measured; only the map
 * column's shape differs between libraries, so `metadata(entries)` builds it.
 */
export function featureColumns(events, from, to, metadata) {
  const n = to - from;
  const c = {
    kind: new Array(n),
    contextKind: new Array(n),
    userKey: new Array(n),
    creationDate: new BigInt64Array(n),
    key: new Array(n),
    variation: new Array(n),
    value: new Array(n),
    default: new Array(n),
    version: new Array(n),
    source: new Array(n),
    metadata: new Array(n),
  };
  for (let i = 0; i < n; i++) {
    const e = events[from + i];
    c.kind[i] = e.kind;
    c.contextKind[i] = e.contextKind;
    c.userKey[i] = e.userKey;
    c.creationDate[i] = BigInt(e.creationDate);
    c.key[i] = e.key;
    c.variation[i] = e.variation;
    c.value[i] = JSON.stringify(e.value ?? null);
    c.default[i] = e.default;
    c.version[i] = e.version ?? '';
    c.source[i] = e.source;
    c.metadata[i] = metadata(metadataEntries(e.metadata));
  }
  return c;
}
