import type { ExportableEvent } from '@ff/exporter-core';
import {
  type EvaluationContext,
  type FlagMetadata,
  InMemoryProvider,
  type JsonValue,
  type Logger,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import { type Mock, vi } from 'vitest';

/** A sink that keeps what it was given (a fake beside the real DataExporters used elsewhere). */
export function recorder<E extends ExportableEvent>(): { events: E[]; add(event: E): void } {
  const events: E[] = [];
  return { events, add: (event) => void events.push(event) };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

type LogFn = (...args: unknown[]) => void;

export function spyLogger(): { [level in keyof Logger]: Mock<LogFn> } {
  return { error: vi.fn<LogFn>(), warn: vi.fn<LogFn>(), info: vi.fn<LogFn>(), debug: vi.fn<LogFn>() };
}

/**
 * OpenFeature's InMemoryProvider returns no flag metadata; this one adds some per flag, as a
 * remote provider (OFREP, GO Feature Flag's) does, so version and trackEvents can be tested.
 */
export class MetadataInMemoryProvider extends InMemoryProvider {
  readonly #metadata: Record<string, FlagMetadata>;

  constructor(
    flags: ConstructorParameters<typeof InMemoryProvider>[0],
    metadata: Record<string, FlagMetadata>,
  ) {
    super(flags);
    this.#metadata = metadata;
  }

  override async resolveBooleanEvaluation(
    key: string,
    value: boolean,
    context?: EvaluationContext,
  ): Promise<ResolutionDetails<boolean>> {
    return this.#with(key, await super.resolveBooleanEvaluation(key, value, context));
  }

  override async resolveObjectEvaluation<T extends JsonValue>(
    key: string,
    value: T,
    context?: EvaluationContext,
  ): Promise<ResolutionDetails<T>> {
    return this.#with(key, await super.resolveObjectEvaluation(key, value, context));
  }

  #with<T>(key: string, details: ResolutionDetails<T>): ResolutionDetails<T> {
    const flagMetadata = this.#metadata[key];
    return flagMetadata ? { ...details, flagMetadata } : details;
  }
}

export const FLAGS = {
  'new-checkout': { variants: { on: true, off: false }, defaultVariant: 'on', disabled: false },
  color: {
    variants: { blue: 'blue', green: 'green' },
    defaultVariant: 'blue',
    disabled: false,
    contextEvaluator: (context: EvaluationContext) => (context.plan === 'beta' ? 'green' : 'blue'),
  },
  discount: { variants: { none: 0, some: 12.5 }, defaultVariant: 'some', disabled: false },
  layout: {
    variants: { wide: { columns: 4, dense: false } },
    defaultVariant: 'wide',
    disabled: false,
  },
} as const;
