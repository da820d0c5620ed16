import { createFeatureEvent, type FeatureEvent, type TrackingEvent } from '@ff/exporter-core';

const base = {
  kind: 'feature',
  contextKind: 'user',
  creationDate: 1_767_225_600,
  default: false,
  source: 'SERVER',
} as const;

/** One event per case the Parquet files must carry exactly. */
export const featureEvents: FeatureEvent[] = [
  { ...base, userKey: 'u-bool', key: 'bool-flag', variation: 'on', value: true, version: 'v1' },
  { ...base, userKey: 'u-false', key: 'bool-flag', variation: 'off', value: false, version: 'v1' },
  { ...base, userKey: 'u-string', key: 'str-flag', variation: 'blue', value: 'blue', version: '2' },
  { ...base, userKey: 'u-int', key: 'num-flag', variation: 'big', value: 42, version: '' },
  { ...base, userKey: 'u-float', key: 'num-flag', variation: 'pi', value: 0.1 + 0.2 },
  { ...base, userKey: 'u-negative', key: 'num-flag', variation: 'neg', value: -1e21 },
  {
    ...base,
    userKey: 'u-object',
    key: 'obj-flag',
    variation: 'v',
    value: { color: 'red', size: { w: 1, h: 2 }, tags: ['a'] },
  },
  {
    ...base,
    userKey: 'u-array',
    key: 'arr-flag',
    variation: 'v',
    value: [1, 'two', null, { three: 3 }, [4]],
  },
  { ...base, userKey: 'u-null', key: 'null-flag', variation: 'SdkDefault', value: null, default: true },
  {
    ...base,
    userKey: 'u-undefined',
    key: 'undef-flag',
    variation: 'SdkDefault',
    value: undefined,
    default: true,
  },
  { ...base, userKey: 'u-empty-string', key: 'str-flag', variation: 'empty', value: '' },
  {
    ...base,
    userKey: 'ü-ñ-日本-🎉',
    key: 'flag-ünïcödé-✓',
    variation: 'варіант',
    value: 'héllo wörld 🌍 "quoted" \\ back\nslash\ttab ;semi,comma',
    version: 'β',
    metadata: { 'clé-🔑': 'välue-日本', emoji: '🎉' },
  },
  {
    ...base,
    contextKind: 'anonymousUser',
    userKey: 'anon-1',
    key: 'bool-flag',
    variation: 'on',
    value: true,
    source: 'PROVIDER_CACHE',
  },
  { ...base, userKey: 'u-empty-metadata', key: 'bool-flag', variation: 'on', value: true, metadata: {} },
  {
    ...base,
    userKey: 'u-metadata',
    key: 'bool-flag',
    variation: 'on',
    value: true,
    metadata: {
      env: 'prod',
      build: 1234,
      beta: true,
      nothing: null,
      nested: { a: [1, 2] },
      dropped: undefined,
    },
  },
  { ...base, userKey: 'u-empty-everything', contextKind: '', key: '', variation: '', value: 0, source: '' },
  { ...base, userKey: 'u-late', key: 'bool-flag', variation: 'on', value: true, creationDate: 4_102_444_800 },
  { ...base, userKey: 'u-early', key: 'bool-flag', variation: 'on', value: true, creationDate: 0 },
  createFeatureEvent(
    'made-by-core',
    {
      targetingKey: 'u-core',
      anonymous: true,
      gofeatureflag: { exporterMetadata: { appVersion: '1.2.3', nb: 7 } },
    },
    { value: { nested: true }, variant: 'object-var', version: '9' },
    { creationDate: 1_767_225_601 },
  ),
];

export const trackingEvents: TrackingEvent[] = [
  {
    kind: 'tracking',
    contextKind: 'user',
    userKey: 'u-1',
    creationDate: 1_767_225_600,
    key: 'checkout',
    evaluationContext: { targetingKey: 'u-1', email: 'a@example.com', plan: 'pro', seats: 3 },
    trackingEventDetails: { amount: 12.5, currency: 'EUR', items: ['a', 'b'] },
  },
  {
    kind: 'tracking',
    contextKind: 'anonymousUser',
    userKey: 'anon-2',
    creationDate: 1_767_225_601,
    key: 'page-view-ünï',
    evaluationContext: { targetingKey: 'anon-2', anonymous: true },
    trackingEventDetails: {},
  },
  {
    kind: 'tracking',
    contextKind: 'user',
    userKey: 'u-3',
    creationDate: 1_767_225_602,
    key: 'signup',
    evaluationContext: {},
    trackingEventDetails: { clé: '日本 🎉', nested: { deep: [null] } },
  },
];

/** `n` feature events, cheap to make, with every fifth anonymous and metadata on every other one. */
export function manyFeatureEvents(n: number): FeatureEvent[] {
  const values = [true, 'blue', 42, { a: 1 }, [1, 2], null];
  const events = new Array<FeatureEvent>(n);
  for (let i = 0; i < n; i++) {
    const event: FeatureEvent = {
      kind: 'feature',
      contextKind: i % 5 === 0 ? 'anonymousUser' : 'user',
      userKey: `user-${i}`,
      creationDate: 1_767_225_600 + (i % 86_400),
      key: `flag-${i % 20}`,
      variation: i % 2 ? 'on' : 'off',
      value: values[i % values.length],
      default: i % 7 === 0,
      version: 'v1',
      source: 'SERVER',
    };
    if (i % 2) event.metadata = { env: 'prod', n: i };
    events[i] = event;
  }
  return events;
}
