import type { RetryOptions } from './options.js';

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
