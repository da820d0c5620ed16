import type { FeatureEvent } from '@ff/exporter-core';

export function featureEvents(count: number, from = 0): FeatureEvent[] {
  return Array.from({ length: count }, (_, n) => ({
    kind: 'feature',
    contextKind: 'user',
    userKey: `user-${from + n}`,
    creationDate: 1700000000,
    key: `flag-${(from + n) % 5}`,
    variation: 'on',
    value: { n: from + n, label: 'x'.repeat(40) },
    default: false,
    version: '1',
    source: 'SERVER',
  }));
}
