/** One flag evaluation, with GO Feature Flag's JSON field names and meaning. */
export interface FeatureEvent {
  /** Always `'feature'`. */
  kind: 'feature';
  /** `'user'`, or `'anonymousUser'` when the evaluation context is anonymous. */
  contextKind: string;
  /** The evaluation context's targeting key. */
  userKey: string;
  /** Unix seconds. */
  creationDate: number;
  /** Flag key. */
  key: string;
  /** Variation name; `'SdkDefault'` when the evaluation failed. */
  variation: string;
  /** The value served; any JSON value (a BigInt or a cycle makes the event unserialisable: counted failed). */
  value: unknown;
  /** True when the default was served because the evaluation failed. */
  default: boolean;
  /** The flag's version, `''` when unknown (always written in JSON). */
  version?: string;
  /** `'SERVER'` (evaluated in-process) or `'PROVIDER_CACHE'` (sent by a client provider). */
  source: string;
  /** The evaluation context's `gofeatureflag.exporterMetadata`; omitted from JSON when empty. */
  metadata?: Record<string, unknown>;
}

/** A tracking call (`track(name, context, details)`), GO Feature Flag's TrackingEvent. */
export interface TrackingEvent {
  /** Always `'tracking'`. */
  kind: 'tracking';
  /** `'user'`, or `'anonymousUser'` when the evaluation context is anonymous. */
  contextKind: string;
  /** The evaluation context's targeting key. */
  userKey: string;
  /** Unix seconds. */
  creationDate: number;
  /** Tracking event name. */
  key: string;
  /** The whole evaluation context of the call. */
  evaluationContext: Record<string, unknown>;
  /** The details passed to `track()`. */
  trackingEventDetails: Record<string, unknown>;
}

/** What an exporter exports: an evaluation or a tracking call, told apart by `kind`. */
export type ExportableEvent = FeatureEvent | TrackingEvent;

/** The evaluation context, as OpenFeature and GO Feature Flag shape it. */
export interface EvaluationContext {
  /** Becomes the event's `userKey`. */
  targetingKey?: string;
  /** `true` makes the event's `contextKind` `'anonymousUser'`. */
  anonymous?: unknown;
  /** GO Feature Flag's settings; `exporterMetadata` becomes the event's `metadata`. */
  gofeatureflag?: { exporterMetadata?: Record<string, unknown> } & Record<string, unknown>;
  /** Any other attribute, used by targeting rules, not exported in feature events. */
  [attribute: string]: unknown;
}

/** What the evaluation returned, as OpenFeature's evaluation details shape it. */
export interface EvaluationDetails {
  /** The value served. */
  value: unknown;
  /** The variation's name; missing, the event's variation is `'SdkDefault'`. */
  variant?: string;
  /** Set when the evaluation failed and the default was served. */
  errorCode?: string;
  /** OpenFeature's reason; `'ERROR'` marks a failed evaluation too. */
  reason?: string;
  /** Flag version, when the flag has one. */
  version?: string;
}

/** The variation GO Feature Flag records when the SDK served its default (the evaluation failed). */
export const SDK_DEFAULT_VARIATION = 'SdkDefault';

/** Context kind of an evaluation context: GO Feature Flag's rule (`anonymous: true`). */
export function contextKindOf(context: EvaluationContext): string {
  return context.anonymous === true ? 'anonymousUser' : 'user';
}

/** Builds the event GO Feature Flag records for one evaluation. */
export function createFeatureEvent(
  flagKey: string,
  context: EvaluationContext,
  details: EvaluationDetails,
  options: { source?: string; creationDate?: number } = {},
): FeatureEvent {
  const failed = details.errorCode !== undefined || details.reason === 'ERROR';
  const event: FeatureEvent = {
    kind: 'feature',
    contextKind: contextKindOf(context),
    userKey: context.targetingKey ?? '',
    creationDate: options.creationDate ?? Math.floor(Date.now() / 1000),
    key: flagKey,
    variation: failed ? SDK_DEFAULT_VARIATION : (details.variant ?? SDK_DEFAULT_VARIATION),
    value: details.value,
    default: failed,
    version: details.version ?? '',
    source: options.source ?? 'SERVER',
  };
  const metadata = context.gofeatureflag?.exporterMetadata;
  if (metadata && Object.keys(metadata).length > 0) event.metadata = { ...metadata };
  return event;
}

/** Builds the event GO Feature Flag records for one tracking call (its `Track`). */
export function createTrackingEvent(
  name: string,
  context: EvaluationContext,
  details: Record<string, unknown> = {},
  options: { creationDate?: number } = {},
): TrackingEvent {
  return {
    kind: 'tracking',
    contextKind: contextKindOf(context),
    userKey: context.targetingKey ?? '',
    creationDate: options.creationDate ?? Math.floor(Date.now() / 1000),
    key: name,
    // Copies, as GO Feature Flag's ctx.ToMap(): the targeting key stays in the context.
    evaluationContext: { ...context },
    trackingEventDetails: { ...details },
  };
}
