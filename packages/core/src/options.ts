import type { ExportableEvent } from './events.js';
import type { Exporter } from './exporter.js';
import { consoleLogger, type Logger, safeLogger } from './logger.js';
import { MAX_TIMER_MS } from './timers.js';

/** Core's retry policy: exponential backoff with full jitter, bounded by elapsed time. */
export interface RetryOptions {
  /** Attempts per batch, the first included. Default Infinity: time (maxElapsedMs) bounds retries. */
  maxAttempts: number;
  /** Backoff ceiling of the first retry; doubles each retry. Default 1_000. */
  initialDelayMs: number;
  /** Largest backoff ceiling. Default 30_000. */
  maxDelayMs: number;
  /** No retry starts later than this after the first attempt: a batch rides out this much outage. Default 300_000. */
  maxElapsedMs: number;
}

/** What a DataExporter is built with; every key but `exporter` has a default. Unknown keys are refused. */
export interface DataExporterOptions<E extends ExportableEvent = ExportableEvent> {
  /** The sink. Required. */
  exporter: Exporter<E>;
  /** In logs, stats and diagnostics. Default: the exporter's class name. */
  name?: string;
  /** Events of the other kind are filtered out before `received`. Default `'feature'`. */
  eventType?: 'feature' | 'tracking';
  /** Default 60_000. */
  flushIntervalMs?: number;
  /** This many buffered (not yet cut) events cut a batch. Default 100_000. */
  maxEventsInMemory?: number;
  /** Hard bound on events held, buffered and in flight. Default 2 × maxEventsInMemory. */
  maxPendingEvents?: number;
  /** close()'s deadline. Default 10_000; Infinity: no limit. */
  closeTimeoutMs?: number;
  /** Called pino-style, `logger.warn({ err, exporter }, 'message')`. Default: warnings and errors to the console. */
  logger?: Logger;
  /** Core's retry policy; keys left out (or undefined) keep their defaults. */
  retry?: Partial<RetryOptions>;
  /** One attempt's time limit; its signal is aborted then. Default 30_000. */
  exportTimeoutMs?: number;
  /** Streaming exporters only: events exported at once. Default 1 (in order). */
  streamConcurrency?: number;
  /** Close at the process's natural exit (`beforeExit`) so buffered events are exported. Default true. */
  exportAtExit?: boolean;
}

/** DataExporterOptions with every default applied. */
export interface ResolvedOptions<E extends ExportableEvent> {
  exporter: Exporter<E>;
  name: string;
  eventType: 'feature' | 'tracking';
  flushIntervalMs: number;
  maxEventsInMemory: number;
  maxPendingEvents: number;
  closeTimeoutMs: number;
  logger: Logger;
  retry: RetryOptions;
  exportTimeoutMs: number;
  streamConcurrency: number;
  exportAtExit: boolean;
}

/** The retry defaults (decision 003): a batch rides out 5 minutes of outage, backoff at most 30 s. */
export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: Number.POSITIVE_INFINITY,
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxElapsedMs: 300_000,
};

function invalid(option: string, expected: string, got: unknown): never {
  const shown = typeof got === 'string' ? `'${got}'` : String(got);
  throw new TypeError(`DataExporter option ${option} must be ${expected}, got ${shown}`);
}

function integer(option: string, value: unknown, min: number, minName = String(min)): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    invalid(option, `an integer >= ${minName}`, value);
  }
  return value;
}

function duration(option: string, value: unknown, min: number, orInfinity = false): number {
  if (orInfinity && value === Number.POSITIVE_INFINITY) return value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > MAX_TIMER_MS) {
    invalid(
      option,
      `a number of ms from ${min} to ${MAX_TIMER_MS}${orInfinity ? ', or Infinity' : ''}`,
      value,
    );
  }
  return value;
}

const OPTIONS: readonly (keyof DataExporterOptions)[] = [
  'exporter',
  'name',
  'eventType',
  'flushIntervalMs',
  'maxEventsInMemory',
  'maxPendingEvents',
  'closeTimeoutMs',
  'logger',
  'retry',
  'exportTimeoutMs',
  'streamConcurrency',
  'exportAtExit',
];
const RETRY_OPTIONS: readonly (keyof RetryOptions)[] = [
  'maxAttempts',
  'initialDelayMs',
  'maxDelayMs',
  'maxElapsedMs',
];
/** GO Feature Flag's names and other likely slips, with the option meant. */
const MEANT: Record<string, string> = {
  flushinterval: 'flushIntervalMs',
  maxeventinmemory: 'maxEventsInMemory',
  closetimeout: 'closeTimeoutMs',
  exporttimeout: 'exportTimeoutMs',
  timeout: 'exportTimeoutMs',
  timeoutms: 'exportTimeoutMs',
  maxpendingevent: 'maxPendingEvents',
  retries: 'retry',
  maxretries: 'maxAttempts',
  attempts: 'maxAttempts',
};

/** The known key `key` was probably meant to be: same letters in another case, an alias, or a near spelling. */
export function meantKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const same = known.find((k) => k.toLowerCase() === lower);
  if (same) return same;
  const alias = MEANT[lower];
  if (alias && known.includes(alias)) return alias;
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length] as number;
}

/**
 * Throws a TypeError naming the first key of `object` that is not in `known`, with the option
 * probably meant: a misspelt option that silently did nothing would be found in production. For
 * every exporter's options too (`owner`: 'KafkaExporter', …), so all say it the same way.
 */
export function refuseUnknownKeys(owner: string, object: object, known: readonly string[]): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue;
    const meant = meantKey(key, known);
    throw new TypeError(
      `${owner} has no option ${key}${meant ? ` (did you mean ${meant}?)` : ''}; known: ${known.join(', ')}`,
    );
  }
}

/** Keys whose value is undefined mean "the default", as at the top level. */
function definedOnly<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * A `{ timeoutMs }` argument of flush() or close(): `fallback` when absent, Infinity for no limit.
 * Throws a TypeError naming the argument for anything but a number >= 0.
 */
export function callTimeout(method: 'flush' | 'close', options: unknown, fallback: number): number {
  if (options === undefined || options === null) return fallback;
  if (typeof options !== 'object') {
    throw new TypeError(
      `${method}() takes an options object like { timeoutMs: 5000 }, got ${String(options)}`,
    );
  }
  const { timeoutMs } = options as { timeoutMs?: unknown };
  if (timeoutMs === undefined) return fallback;
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    const shown = typeof timeoutMs === 'string' ? `'${timeoutMs}'` : String(timeoutMs);
    throw new TypeError(
      `${method}({ timeoutMs }) must be a number of ms >= 0, or Infinity for no limit, got ${shown}`,
    );
  }
  return timeoutMs;
}

/** Applies the defaults and throws a TypeError naming the first invalid option. */
export function resolveOptions<E extends ExportableEvent>(
  options: DataExporterOptions<E>,
): ResolvedOptions<E> {
  if (typeof options !== 'object' || options === null) invalid('options', 'an object', options);
  refuseUnknownKeys('DataExporter', options, OPTIONS);
  const { exporter } = options;
  if (typeof exporter !== 'object' || exporter === null) {
    invalid('exporter', 'an Exporter (an object with isBulk() and export())', exporter);
  }
  for (const method of ['isBulk', 'export'] as const) {
    if (typeof exporter[method] !== 'function') {
      throw new TypeError(`DataExporter option exporter must be an Exporter: missing ${method}()`);
    }
  }
  const eventType = options.eventType ?? 'feature';
  if (eventType !== 'feature' && eventType !== 'tracking')
    invalid('eventType', "'feature' or 'tracking'", eventType);
  // A plain object literal's constructor is Object: that name would tell nobody which sink it is.
  const className = exporter.constructor === Object ? undefined : exporter.constructor?.name;
  const name = options.name ?? (className || 'exporter');
  if (typeof name !== 'string' || name === '') invalid('name', 'a non-empty string', name);

  const preferred = exporter.batchingDefaults ?? {};
  const maxEventsInMemory = integer(
    'maxEventsInMemory',
    options.maxEventsInMemory ?? preferred.maxEventsInMemory ?? 100_000,
    1,
  );
  const maxPendingEvents = integer(
    'maxPendingEvents',
    options.maxPendingEvents ?? preferred.maxPendingEvents ?? 2 * maxEventsInMemory,
    maxEventsInMemory,
    `maxEventsInMemory (${maxEventsInMemory})`,
  );
  if (options.retry !== undefined && (typeof options.retry !== 'object' || options.retry === null)) {
    invalid('retry', 'an object', options.retry);
  }
  if (options.retry) refuseUnknownKeys('DataExporter option retry', options.retry, RETRY_OPTIONS);
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...definedOnly(options.retry ?? {}) };
  if (retry.maxAttempts !== Number.POSITIVE_INFINITY) integer('retry.maxAttempts', retry.maxAttempts, 1);
  duration('retry.initialDelayMs', retry.initialDelayMs, 0);
  duration('retry.maxDelayMs', retry.maxDelayMs, retry.initialDelayMs);
  duration('retry.maxElapsedMs', retry.maxElapsedMs, 0);

  const logger = options.logger ?? consoleLogger;
  // All four levels are called; a missing one would throw inside an export and go unhandled.
  if (typeof logger !== 'object' || logger === null) {
    invalid('logger', 'a pino-style logger with debug, info, warn and error', logger);
  }
  const missing = (['debug', 'info', 'warn', 'error'] as const).filter(
    (level) => typeof logger[level] !== 'function',
  );
  if (missing.length > 0) {
    throw new TypeError(
      `DataExporter option logger must be a pino-style logger with debug, info, warn and error: missing method ${missing.join(', ')}`,
    );
  }
  const exportAtExit = options.exportAtExit ?? true;
  if (typeof exportAtExit !== 'boolean') invalid('exportAtExit', 'a boolean', exportAtExit);

  return {
    exporter,
    name,
    eventType,
    flushIntervalMs: duration(
      'flushIntervalMs',
      options.flushIntervalMs ?? preferred.flushIntervalMs ?? 60_000,
      1,
    ),
    maxEventsInMemory,
    maxPendingEvents,
    closeTimeoutMs: duration('closeTimeoutMs', options.closeTimeoutMs ?? 10_000, 0, true),
    logger: safeLogger(logger),
    retry,
    exportTimeoutMs: duration(
      'exportTimeoutMs',
      options.exportTimeoutMs ?? preferred.exportTimeoutMs ?? 30_000,
      1,
    ),
    streamConcurrency: integer('streamConcurrency', options.streamConcurrency ?? 1, 1),
    exportAtExit,
  };
}
