import type { ExportableEvent } from './events.js';
import type { Exporter } from './exporter.js';
import { consoleLogger, type Logger, safeLogger } from './logger.js';

/** Core's retry policy: exponential backoff with full jitter, bounded in attempts and elapsed time. */
export interface RetryOptions {
  /** Attempts per batch, the first included. Default 5. */
  maxAttempts: number;
  /** Backoff ceiling of the first retry; doubles each retry. Default 1_000. */
  initialDelayMs: number;
  /** Largest backoff ceiling. Default 30_000. */
  maxDelayMs: number;
  /** No retry starts later than this after the first attempt. Default 300_000. */
  maxElapsedMs: number;
}

export interface DataExporterOptions<E extends ExportableEvent = ExportableEvent> {
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
  /** Default 10_000. */
  closeTimeoutMs?: number;
  /** Default: warnings and errors to the console. */
  logger?: Logger;
  retry?: Partial<RetryOptions>;
  /** One attempt's time limit; its signal is aborted then. Default 30_000. */
  exportTimeoutMs?: number;
  /** Streaming exporters only: events exported at once. Default 1 (in order). */
  streamConcurrency?: number;
  /** Close at the process's natural exit (`beforeExit`) so buffered events are exported. Default true. */
  exportAtExit?: boolean;
}

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

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 5,
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxElapsedMs: 300_000,
};

function invalid(option: string, expected: string, got: unknown): never {
  const shown = typeof got === 'string' ? `'${got}'` : String(got);
  throw new TypeError(`DataExporter option ${option} must be ${expected}, got ${shown}`);
}

function integer(option: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    invalid(option, `an integer >= ${min}`, value);
  }
  return value;
}

/** Node's timers take at most 2^31 - 1 ms; a longer delay silently fires after 1 ms instead. */
const MAX_TIMER_MS = 2_147_483_647;

function duration(option: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > MAX_TIMER_MS) {
    invalid(option, `a number of ms from ${min} to ${MAX_TIMER_MS}`, value);
  }
  return value;
}

/** Applies the defaults and throws a TypeError naming the first invalid option. */
export function resolveOptions<E extends ExportableEvent>(
  options: DataExporterOptions<E>,
): ResolvedOptions<E> {
  if (typeof options !== 'object' || options === null) invalid('options', 'an object', options);
  const { exporter } = options;
  if (typeof exporter?.export !== 'function' || typeof exporter.isBulk !== 'function') {
    invalid('exporter', 'an object with isBulk() and export()', exporter);
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
  );
  if (options.retry !== undefined && (typeof options.retry !== 'object' || options.retry === null)) {
    invalid('retry', 'an object', options.retry);
  }
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  integer('retry.maxAttempts', retry.maxAttempts, 1);
  duration('retry.initialDelayMs', retry.initialDelayMs, 0);
  duration('retry.maxDelayMs', retry.maxDelayMs, retry.initialDelayMs);
  duration('retry.maxElapsedMs', retry.maxElapsedMs, 0);

  const logger = options.logger ?? consoleLogger;
  // All four levels are called; a missing one would throw inside an export and go unhandled.
  if (
    !(['debug', 'info', 'warn', 'error'] as const).every((level) => typeof logger?.[level] === 'function')
  ) {
    invalid('logger', 'a pino-style logger with debug, info, warn and error', logger);
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
    closeTimeoutMs: duration('closeTimeoutMs', options.closeTimeoutMs ?? 10_000, 0),
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
