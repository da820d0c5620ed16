import { createFeatureEvent, type EvaluationContext, type FeatureEvent } from '@ff/exporter-core';
import type { EvaluationDetails, FlagMetadata, FlagValue, Hook, HookContext } from '@openfeature/server-sdk';
import {
  checkMetadata,
  checkSink,
  type EventSink,
  type ExporterMetadata,
  GuardedSink,
} from './event-sink.js';

export interface DataExporterHookOptions {
  /**
   * Metadata added to every recorded event (GO Feature Flag's `exporterMetadata`), e.g.
   * `{ app: 'checkout', env: 'prod' }`. The context attribute `gofeatureflag.exporterMetadata` of an
   * evaluation adds to it and wins on equal keys.
   */
  exporterMetadata?: Record<string, unknown>;
}

const KNOWN_OPTIONS = new Set(['exporterMetadata']);

/**
 * An OpenFeature hook that records one GO Feature Flag FeatureEvent per flag evaluation into
 * `events` (a DataExporter, `fanOut(...)`, anything with `add()`). It records in the `finally`
 * stage, synchronously and without I/O, and catches everything, so it can neither turn an
 * evaluation into an error nor delay it. A flag whose metadata says `trackEvents: false` is not
 * recorded.
 */
export class DataExporterHook implements Hook {
  readonly #events: GuardedSink<FeatureEvent>;
  readonly #metadata: ExporterMetadata | undefined;

  constructor(events: EventSink<FeatureEvent>, options: DataExporterHookOptions = {}) {
    checkSink('DataExporterHook: events', events);
    for (const key of Object.keys(options)) {
      if (!KNOWN_OPTIONS.has(key)) {
        throw new TypeError(
          `DataExporterHook: unknown option '${key}' (known: ${[...KNOWN_OPTIONS].join(', ')})`,
        );
      }
    }
    this.#events = new GuardedSink(events, 'a flag evaluation');
    this.#metadata = checkMetadata('DataExporterHook option exporterMetadata', options.exporterMetadata);
  }

  finally(hookContext: Readonly<HookContext>, details: EvaluationDetails<FlagValue>): void {
    this.#events.record(
      () => this.#event(hookContext, details),
      (message, err) => hookContext.logger.warn(message, err),
    );
  }

  #event(
    hookContext: Readonly<HookContext>,
    details: EvaluationDetails<FlagValue>,
  ): FeatureEvent | undefined {
    const flagMetadata = details.flagMetadata;
    if (flagMetadata?.trackEvents === false) return undefined;
    const event = createFeatureEvent(hookContext.flagKey, hookContext.context as EvaluationContext, {
      value: details.value,
      variant: details.variant,
      errorCode: details.errorCode,
      reason: details.reason,
      version: versionOf(flagMetadata),
    });
    const metadata = this.#metadata;
    if (metadata !== undefined)
      event.metadata = event.metadata ? { ...metadata, ...event.metadata } : metadata;
    return event;
  }
}

function versionOf(flagMetadata: FlagMetadata | undefined): string | undefined {
  const version = flagMetadata?.version;
  return version === undefined ? undefined : String(version);
}
