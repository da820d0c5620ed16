const brand = Symbol.for('@ff/exporter-core/ExportError');

/** How an exporter classifies a failure: see ExportError. */
export interface ExportErrorOptions {
  /** Default true. False fails the batch at once (bad credentials, 400, 413, …). */
  retryable?: boolean;
  /** The sink's Retry-After, in ms. */
  retryAfterMs?: number;
  /** Partial success: only these indexes are retried; the others count as exported. */
  undelivered?: readonly number[];
  /** The underlying error (the SDK's, the socket's), kept as `error.cause` for logs. */
  cause?: unknown;
}

/**
 * An export failure the exporter has classified. Recognised by a `Symbol.for` brand, so two copies
 * of core in one process still understand each other. Any other error thrown counts as retryable.
 */
export class ExportError extends Error {
  /** False: the batch (or its `undelivered` part) fails at once, no retry. True by default. */
  readonly retryable: boolean;
  /** The sink's Retry-After in ms: the next attempt waits at least this long. */
  readonly retryAfterMs?: number;
  /** Partial success: indexes, into the events given to export(), not delivered; only they are retried, the others count as exported. */
  readonly undelivered?: readonly number[];

  constructor(message: string, options: ExportErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ExportError';
    this.retryable = options.retryable ?? true;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.undelivered !== undefined) this.undelivered = options.undelivered;
  }

  get [brand](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // The brand stands for ExportError itself; a subclass keeps ordinary prototype-chain instanceof.
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class instanceof was called on, maybe a subclass
    if (this !== ExportError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return isExportError(value);
  }
}

/** True for an ExportError from any copy of core in the process (checked by its `Symbol.for` brand). */
export function isExportError(value: unknown): value is ExportError {
  return typeof value === 'object' && value !== null && (value as { [brand]?: unknown })[brand] === true;
}

/** HTTP statuses worth another attempt: 408, 429 and every 5xx. Every other 4xx is final. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Parses a Retry-After header (seconds or an HTTP date) into ms; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
