import type { RetryOptions } from './options.js';

/** Node's timers take at most 2^31 - 1 ms; a longer delay silently fires after 1 ms instead. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Full-jitter backoff (a uniform draw below the exponential ceiling, itself at most `capMs`), so
 * retries of many clients spread out.
 */
export function backoffDelay(
  retry: RetryOptions,
  failedAttempts: number,
  capMs = retry.maxDelayMs,
  random = Math.random,
): number {
  const ceiling = Math.min(capMs, retry.initialDelayMs * 2 ** (failedAttempts - 1));
  return Math.floor(random() * ceiling);
}

/** One turn of the event loop: lets timers and I/O run between two pieces of long work. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
