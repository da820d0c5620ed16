import {
  createTrackingEvent,
  type EvaluationContext,
  type FeatureEvent,
  type TrackingEvent,
} from '@ff/exporter-core';
import type {
  Hook,
  Logger,
  EvaluationContext as OpenFeatureContext,
  Provider,
  TrackingEventDetails,
} from '@openfeature/server-sdk';
import { DataExporterHook, type DataExporterHookOptions } from './data-exporter-hook.js';
import {
  checkMetadata,
  checkSink,
  type EventSink,
  type ExporterMetadata,
  GuardedSink,
  isRecord,
} from './event-sink.js';

export interface DataCollectionOptions extends DataExporterHookOptions {
  /** Receives one FeatureEvent per evaluation. Omitted: evaluations are not recorded. */
  evaluations?: EventSink<FeatureEvent>;
  /**
   * Receives one TrackingEvent per `track()` call (a DataExporter built with
   * `eventType: 'tracking'`). Omitted: `track()` passes straight through.
   */
  tracking?: EventSink<TrackingEvent>;
  /** Where a failing `tracking` sink is reported (once per episode). Default: `console`. */
  logger?: Logger;
}

const KNOWN_OPTIONS = new Set(['evaluations', 'tracking', 'exporterMetadata', 'logger']);

/**
 * Wraps any OpenFeature server provider so that its evaluations are recorded (a DataExporterHook
 * declared as one of the provider's own hooks, so each evaluation is recorded once, whatever
 * client evaluates it) and its `track()` calls become TrackingEvents, which then still reach the
 * provider's own `track()`. Everything else (metadata, `initialize`, status, events, `onClose`,
 * the provider's own hooks, its own methods) is the wrapped provider's, unchanged.
 */
export function withDataCollection<P extends Provider>(provider: P, options: DataCollectionOptions): P {
  if (typeof provider !== 'object' || provider === null) {
    throw new TypeError(
      `withDataCollection: provider must be an OpenFeature provider, got ${String(provider)}`,
    );
  }
  if (typeof options !== 'object' || options === null)
    throw new TypeError('withDataCollection: options must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new TypeError(
        `withDataCollection: unknown option '${key}' (known: ${[...KNOWN_OPTIONS].join(', ')})`,
      );
    }
  }
  const { evaluations, tracking, exporterMetadata, logger = console } = options;
  if (evaluations === undefined && tracking === undefined) {
    throw new TypeError(
      'withDataCollection: give evaluations, tracking, or both (each a DataExporter or fanOut(...))',
    );
  }
  if (evaluations !== undefined) checkSink('withDataCollection option evaluations', evaluations);
  if (tracking !== undefined) checkSink('withDataCollection option tracking', tracking);

  const hook = evaluations ? new DataExporterHook(evaluations, { exporterMetadata }) : undefined;
  const metadata = checkMetadata('withDataCollection option exporterMetadata', exporterMetadata);
  const track = tracking ? tracker(provider, tracking, metadata, logger) : undefined;
  const hooks = hook ? providerHooks(provider, hook) : undefined;
  const bound = new WeakMap<object, unknown>();

  // A Proxy rather than a class that delegates: members the wrapper does not know about (a
  // provider's own methods, getters such as `status`, members added by future SDKs) pass through.
  return new Proxy(provider, {
    get(target, property) {
      if (property === 'hooks' && hooks) return hooks();
      if (property === 'track' && track) return track;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || property === 'constructor') return value;
      // Methods run on the provider itself (its private fields work), the same function each time.
      let method = bound.get(value);
      if (method === undefined) {
        method = value.bind(target);
        bound.set(value, method);
      }
      return method;
    },
    has(target, property) {
      return (
        (property === 'hooks' && hooks !== undefined) ||
        (property === 'track' && track !== undefined) ||
        Reflect.has(target, property)
      );
    },
  });
}

/** The provider's own hooks, then ours; the same array while the provider's hooks do not change. */
function providerHooks(provider: Provider, hook: Hook): () => Hook[] {
  let own: readonly Hook[] | undefined;
  let all: Hook[] = [];
  return () => {
    const current = provider.hooks;
    if (current !== own || all.length !== (current?.length ?? 0) + 1) {
      own = current;
      all = [...(current ?? []), hook];
    }
    return all;
  };
}

function tracker(
  provider: Provider,
  tracking: EventSink<TrackingEvent>,
  metadata: ExporterMetadata | undefined,
  logger: Logger,
): NonNullable<Provider['track']> {
  const sink = new GuardedSink(tracking, 'a tracking event');
  const warn = (message: string, err: unknown) => logger.warn(message, err);
  return (name: string, context: OpenFeatureContext, details: TrackingEventDetails) => {
    sink.record(() => trackingEvent(name, context, details, metadata), warn);
    provider.track?.(name, context, details);
  };
}

function trackingEvent(
  name: string,
  context: OpenFeatureContext,
  details: TrackingEventDetails | undefined,
  metadata: ExporterMetadata | undefined,
): TrackingEvent {
  const event = createTrackingEvent(name, context as EvaluationContext, details);
  // A TrackingEvent has no metadata field: static metadata goes where GO Feature Flag reads
  // per-call metadata, the context's gofeatureflag.exporterMetadata (the context's own wins).
  if (metadata !== undefined) {
    const goff = event.evaluationContext.gofeatureflag;
    const own = isRecord(goff) && isRecord(goff.exporterMetadata) ? goff.exporterMetadata : undefined;
    event.evaluationContext.gofeatureflag = {
      ...(isRecord(goff) ? goff : {}),
      exporterMetadata: { ...metadata, ...own },
    };
  }
  return event;
}
