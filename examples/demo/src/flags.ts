import { createHash } from 'node:crypto';
import type { EvaluationContext, EvaluationDetails } from '@ff/exporter-core';

interface Flag {
  variations: Record<string, unknown>;
  /** Percentage of users per variation, in order; they add up to 100. */
  rollout: [string, number][];
  version: string;
}

/** A small flag set, evaluated the way a flag SDK buckets users: a stable hash of flag and user. */
export const flags: Record<string, Flag> = {
  'new-checkout': {
    variations: { on: true, off: false },
    rollout: [
      ['on', 20],
      ['off', 80],
    ],
    version: '4',
  },
  'search-ranking': {
    variations: { control: 'bm25', treatment: 'semantic' },
    rollout: [
      ['control', 50],
      ['treatment', 50],
    ],
    version: '12',
  },
  'price-display': {
    variations: { plain: { currency: 'EUR', decimals: 2 }, rounded: { currency: 'EUR', decimals: 0 } },
    rollout: [
      ['plain', 70],
      ['rounded', 30],
    ],
    version: '2',
  },
  'banner-text': {
    variations: { hello: 'Hello 👋', bonjour: 'Bonjour; ça va ?', empty: '' },
    rollout: [
      ['hello', 40],
      ['bonjour', 40],
      ['empty', 20],
    ],
    version: '7',
  },
  'max-items': {
    variations: { low: 10, mid: 25, high: 100 },
    rollout: [
      ['low', 10],
      ['mid', 60],
      ['high', 30],
    ],
    version: '1',
  },
};

/** One in this many evaluations asks for a flag that does not exist: the SDK serves its default. */
const MISSING_FLAG_EVERY = 97;

function bucket(flagKey: string, userKey: string): number {
  return createHash('sha1').update(`${flagKey}.${userKey}`).digest().readUInt32BE(0) % 100;
}

export function evaluate(flagKey: string, context: EvaluationContext, n: number): EvaluationDetails {
  const flag = flags[flagKey];
  if (!flag || n % MISSING_FLAG_EVERY === 0) {
    return { value: false, errorCode: 'FLAG_NOT_FOUND', reason: 'ERROR' };
  }
  let point = bucket(flagKey, context.targetingKey ?? '');
  for (const [variant, share] of flag.rollout) {
    if (point < share) return { value: flag.variations[variant], variant, version: flag.version };
    point -= share;
  }
  throw new Error(`rollout of ${flagKey} does not add up to 100`);
}
