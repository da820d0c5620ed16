import { createHash } from 'node:crypto';
import {
  type EvaluationContext,
  type FlagMetadata,
  InMemoryProvider,
  type JsonValue,
  type Logger,
  type ResolutionDetails,
} from '@openfeature/server-sdk';

interface Flag {
  variants: Record<string, boolean | string | number | JsonValue>;
  /** Percentage of users per variant, in order; they add up to 100. */
  rollout: [string, number][];
  version: string;
}

/** A small flag set, evaluated the way a flag SDK buckets users: a stable hash of flag and user. */
const definitions: Record<string, Flag> = {
  'new-checkout': {
    variants: { on: true, off: false },
    rollout: [
      ['on', 20],
      ['off', 80],
    ],
    version: '4',
  },
  'search-ranking': {
    variants: { control: 'bm25', treatment: 'semantic' },
    rollout: [
      ['control', 50],
      ['treatment', 50],
    ],
    version: '12',
  },
  'price-display': {
    variants: { plain: { currency: 'EUR', decimals: 2 }, rounded: { currency: 'EUR', decimals: 0 } },
    rollout: [
      ['plain', 70],
      ['rounded', 30],
    ],
    version: '2',
  },
  'banner-text': {
    variants: { hello: 'Hello 👋', bonjour: 'Bonjour; ça va ?', empty: '' },
    rollout: [
      ['hello', 40],
      ['bonjour', 40],
      ['empty', 20],
    ],
    version: '7',
  },
  'max-items': {
    variants: { low: 10, mid: 25, high: 100 },
    rollout: [
      ['low', 10],
      ['mid', 60],
      ['high', 30],
    ],
    version: '1',
  },
};

export const flagKeys = Object.keys(definitions);

/** The JavaScript type of a flag's values: which `client.getXxxDetails` the app calls. */
export type FlagType = 'boolean' | 'string' | 'number' | 'object';

export function flagType(flagKey: string): FlagType {
  const value = Object.values(definitions[flagKey]?.variants ?? { missing: false })[0];
  return typeof value as FlagType;
}

function bucket(flagKey: string, userKey: string): number {
  return createHash('sha1').update(`${flagKey}.${userKey}`).digest().readUInt32BE(0) % 100;
}

function rolloutOf(flagKey: string, flag: Flag): (context: EvaluationContext) => string {
  return (context) => {
    let point = bucket(flagKey, context.targetingKey ?? '');
    for (const [variant, share] of flag.rollout) {
      if (point < share) return variant;
      point -= share;
    }
    throw new Error(`rollout of ${flagKey} does not add up to 100`);
  };
}

/**
 * The SDK's in-memory provider, plus each flag's `version` in the evaluation's flag metadata, where
 * GO Feature Flag's providers put it (the in-memory provider of @openfeature/server-sdk 1.23 has no
 * metadata of its own).
 */
class VersionedInMemoryProvider extends InMemoryProvider {
  #metadata(flagKey: string): FlagMetadata {
    const flag = definitions[flagKey];
    return flag ? { version: flag.version } : {};
  }

  async #versioned<T>(flagKey: string, details: Promise<ResolutionDetails<T>>) {
    return { ...(await details), flagMetadata: this.#metadata(flagKey) };
  }

  override resolveBooleanEvaluation(...args: Parameters<InMemoryProvider['resolveBooleanEvaluation']>) {
    return this.#versioned(args[0], super.resolveBooleanEvaluation(...args));
  }
  override resolveStringEvaluation(...args: Parameters<InMemoryProvider['resolveStringEvaluation']>) {
    return this.#versioned(args[0], super.resolveStringEvaluation(...args));
  }
  override resolveNumberEvaluation(...args: Parameters<InMemoryProvider['resolveNumberEvaluation']>) {
    return this.#versioned(args[0], super.resolveNumberEvaluation(...args));
  }
  override resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context?: EvaluationContext,
    logger?: Logger,
  ) {
    return this.#versioned(flagKey, super.resolveObjectEvaluation(flagKey, defaultValue, context, logger));
  }
}

export function flagProvider(): InMemoryProvider {
  return new VersionedInMemoryProvider(
    Object.fromEntries(
      Object.entries(definitions).map(([key, flag]) => [
        key,
        {
          variants: flag.variants,
          defaultVariant: flag.rollout[0]![0],
          disabled: false,
          contextEvaluator: rolloutOf(key, flag),
        },
      ]),
    ),
  );
}
