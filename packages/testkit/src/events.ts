import type { ExportableEvent, FeatureEvent, TrackingEvent } from '@ff/exporter-core';

export interface SampleEventOptions {
  /** Default `'feature'`. */
  kind?: 'feature' | 'tracking';
  /** Events of different seeds never share a userKey, so two sets can go to one sink. Default 1. */
  seed?: number;
  /** creationDate (unix seconds) of the first event; it advances by one every 100 events. Default 1_700_000_000. */
  creationDate?: number;
}

/** A small deterministic generator (mulberry32): the same seed gives the same events on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VARIATIONS = ['on', 'off', 'control', 'treatment-a', 'treatment-b'];

/**
 * `n` distinct, deterministic events (unique `userKey`s), with every value type, metadata on some,
 * anonymous users, fallbacks and both sources mixed in: the payload of the batch tests.
 */
export function sampleEvents(n: number, options: SampleEventOptions = {}): ExportableEvent[] {
  if (!Number.isInteger(n) || n < 0) throw new TypeError(`sampleEvents: n must be an integer >= 0, got ${n}`);
  const seed = options.seed ?? 1;
  const start = options.creationDate ?? 1_700_000_000;
  const next = random(seed);
  const events: ExportableEvent[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const userKey = `user-${seed}-${i}`;
    const creationDate = start + Math.floor(i / 100);
    const anonymous = i % 5 === 4;
    const contextKind = anonymous ? 'anonymousUser' : 'user';
    const pick = Math.floor(next() * 1_000_000);
    if (options.kind === 'tracking') {
      events[i] = {
        kind: 'tracking',
        contextKind,
        userKey,
        creationDate,
        key: `checkout-${i % 7}`,
        evaluationContext: { targetingKey: userKey, anonymous, plan: i % 2 === 0 ? 'pro' : 'free' },
        trackingEventDetails: { amount: pick / 100, items: [i % 3, i % 5] },
      } satisfies TrackingEvent;
      continue;
    }
    const fallback = i % 11 === 10;
    const event: FeatureEvent = {
      kind: 'feature',
      contextKind,
      userKey,
      creationDate,
      key: `flag-${i % 13}`,
      variation: fallback ? 'SdkDefault' : (VARIATIONS[pick % VARIATIONS.length] as string),
      value: sampleValue(i, pick),
      default: fallback,
      version: i % 4 === 0 ? '' : `${1 + (i % 3)}.0.${i % 10}`,
      source: i % 7 === 6 ? 'PROVIDER_CACHE' : 'SERVER',
    };
    if (i % 3 === 0) event.metadata = { env: 'test', region: `eu-${i % 4}`, batch: seed };
    events[i] = event;
  }
  return events;
}

function sampleValue(i: number, pick: number): unknown {
  switch (i % 8) {
    case 0:
      return pick % 2 === 0;
    case 1:
      return `variant-${pick}`;
    case 2:
      return pick;
    case 3:
      return pick / 1000;
    case 4:
      return { color: pick % 2 === 0 ? 'blue' : 'green', size: pick % 100, tags: ['a', 'b'] };
    case 5:
      return [pick % 10, 'x', true, null];
    case 6:
      return null;
    default:
      return -pick;
  }
}

/** A named set of awkward events, exported together as one batch by the conformance suite. */
export interface EdgeCaseGroup {
  name: string;
  events: ExportableEvent[];
}

let edgeSerial = 0;
function feature(overrides: Partial<FeatureEvent>): FeatureEvent {
  edgeSerial++;
  return {
    kind: 'feature',
    contextKind: 'user',
    userKey: `edge-${edgeSerial}`,
    creationDate: 1_700_000_000 + edgeSerial,
    key: 'edge-flag',
    variation: 'on',
    value: true,
    default: false,
    version: '1',
    source: 'SERVER',
    ...overrides,
  };
}

function tracking(overrides: Partial<TrackingEvent>): TrackingEvent {
  edgeSerial++;
  return {
    kind: 'tracking',
    contextKind: 'user',
    userKey: `edge-${edgeSerial}`,
    creationDate: 1_700_000_000 + edgeSerial,
    key: 'checkout',
    evaluationContext: {},
    trackingEventDetails: {},
    ...overrides,
  };
}

/** ~1 MiB (1_048_576 UTF-16 units) of varied text, multi-byte characters and separators included. */
function megabyteString(): string {
  const unit = 'abc€😀界;"\n\\, ';
  return `${unit.repeat(Math.ceil(1_048_576 / unit.length)).slice(0, 1_048_576 - 1)}Z`;
}

/**
 * Events that break naive encoders and sinks, grouped by what they stress: unicode, quoting and
 * separators, a ~1 MB value, every value type, metadata present and absent, anonymous users,
 * tracking events, fallbacks. Deterministic; each event has a unique userKey.
 */
export function edgeCaseGroups(): EdgeCaseGroup[] {
  edgeSerial = 0;
  return [
    {
      name: 'unicode (emoji, CJK, RTL)',
      events: [
        feature({
          userKey: '😀-user-👩‍👩‍👧‍👦',
          key: 'フラグ-功能开关-기능',
          variation: 'מופעל',
          value: 'مرحبا بالعالم 🌍 世界 한국어 Ελληνικά',
          metadata: { ключ: 'значение', emoji: '🇫🇷🏳️‍🌈', rtl: '\u202Eabc\u202C', 日本: '東京' },
        }),
        feature({
          userKey: 'combining-e\u0301-ñ',
          value: 'zero\u200Bwidth\u200Djoiner\uFEFF',
          variation: 'Ω≈ç√∫',
        }),
        feature({ userKey: 'astral-𝕏𝔸', value: { '😀': ['🎉', '𠜎𠜱'], עברית: 'שלום' } }),
      ],
    },
    {
      name: 'quotes, separators, newlines and backslashes',
      events: [
        feature({ userKey: 'semi;colon', value: 'a;b;c' }),
        feature({ userKey: 'double"quote', value: 'say "hi" and ""twice""' }),
        feature({ userKey: "single'quote", value: "it's", variation: 'comma,separated' }),
        feature({ userKey: 'newline', key: 'flag\nwith-newline', value: 'line1\nline2\n' }),
        feature({ userKey: 'crlf', value: 'windows\r\nline\rcarriage' }),
        feature({
          userKey: 'back\\slash',
          value: 'C:\\path\\n is not a newline \\" nor a quote',
          variation: 'v\\1',
        }),
        feature({ userKey: 'controls', value: 'tab\tnul\u0000bell\u0007unit\u001f\u2028\u2029' }),
        feature({ userKey: 'html', value: '<script>alert("&amp;")</script>' }),
        feature({ userKey: 'json-in-string', value: '{"nested":"json";"not":"parsed"}' }),
        feature({ userKey: 'quoted-object', value: { 'k;"\n': 'v;"\n\\' } }),
      ],
    },
    {
      name: 'a ~1 MB value',
      events: [
        feature({ userKey: 'megabyte', value: megabyteString() }),
        feature({ userKey: 'after-megabyte' }),
      ],
    },
    {
      name: 'every value type (bool, string, integer, float, object, array, null)',
      events: [
        feature({ value: true }),
        feature({ value: false }),
        feature({ value: '' }),
        feature({ value: 'text' }),
        feature({ value: 0 }),
        feature({ value: 42 }),
        feature({ value: -7 }),
        feature({ value: Number.MAX_SAFE_INTEGER }),
        feature({ value: Number.MIN_SAFE_INTEGER }),
        feature({ value: 0.1 + 0.2 }),
        feature({ value: -0.25 }),
        feature({ value: 1.5e300 }),
        feature({ value: { nested: { list: [1, { deep: null }], empty: {} }, n: 1.5 } }),
        feature({ value: [1, 'two', false, null, { three: 3 }, []] }),
        feature({ value: {} }),
        feature({ value: [] }),
        feature({ value: null }),
        feature({ value: undefined }),
      ],
    },
    {
      name: 'metadata present and absent',
      events: [
        feature({
          metadata: { env: 'prod', nested: { a: 1, b: [true, null] }, count: 3, ok: false, none: null },
        }),
        feature({}),
        feature({ metadata: {} }),
        feature({ metadata: { 'key;with"odd\nchars': 'value;with"odd\nchars' } }),
      ],
    },
    {
      name: 'anonymous users',
      events: [
        feature({ contextKind: 'anonymousUser', userKey: '6f1c2c6a-0b7e-4d57-9d1e-3f0e2b9a7c11' }),
        feature({
          contextKind: 'anonymousUser',
          userKey: 'anon-2',
          value: 'x',
          metadata: { anonymous: true },
        }),
        feature({ contextKind: '', userKey: 'no-context-kind' }),
      ],
    },
    {
      name: 'tracking events',
      events: [
        tracking({
          key: 'checkout',
          evaluationContext: {
            targetingKey: 'edge-t1',
            anonymous: false,
            company: { name: 'ACME;"', size: 12 },
          },
          trackingEventDetails: { amount: 99.95, currency: 'EUR', items: ['a', 'b'], note: 'line\nbreak' },
        }),
        tracking({
          contextKind: 'anonymousUser',
          key: 'sign-up 🎉',
          evaluationContext: {},
          trackingEventDetails: {},
        }),
      ],
    },
    {
      name: 'fallbacks, versions and sources',
      events: [
        feature({ variation: 'SdkDefault', default: true, value: 'fallback' }),
        feature({ source: 'PROVIDER_CACHE' }),
        feature({ version: undefined }),
        feature({ version: '' }),
        feature({ version: 'v1.2.3-β+build' }),
      ],
    },
  ];
}

/** Every edge case, in one array. */
export function edgeCaseEvents(): ExportableEvent[] {
  return edgeCaseGroups().flatMap((group) => group.events);
}

/** A batch whose events at `invalid` cannot be serialised (a BigInt, a cycle) mixed with good ones. */
export interface UnserialisableBatch {
  events: ExportableEvent[];
  /** Indexes of the events that must be counted failed. */
  invalid: number[];
}

/**
 * Good events with unserialisable ones between them: a BigInt nested in the value, a cycle, and for
 * lossless formats a top-level BigInt value and a BigInt in metadata (a CSV row prints neither as JSON).
 */
export function unserialisableBatch(lossless = true): UnserialisableBatch {
  const good = sampleEvents(6, { seed: 77 }) as FeatureEvent[];
  const cycle: Record<string, unknown> = { name: 'cycle' };
  cycle.self = cycle;
  const bad: FeatureEvent[] = [
    { ...(good[0] as FeatureEvent), userKey: 'bad-nested-bigint', value: { amount: 10n } },
    { ...(good[0] as FeatureEvent), userKey: 'bad-cycle', value: cycle },
  ];
  if (lossless) {
    bad.push({ ...(good[0] as FeatureEvent), userKey: 'bad-bigint', value: 2n ** 64n });
    bad.push({ ...(good[0] as FeatureEvent), userKey: 'bad-metadata', metadata: { big: 1n } });
  }
  const events: ExportableEvent[] = [];
  const invalid: number[] = [];
  good.forEach((event, i) => {
    events.push(event);
    const next = bad[i];
    if (next) {
      invalid.push(events.length);
      events.push(next);
    }
  });
  return { events, invalid };
}
