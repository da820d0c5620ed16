import type { RetryOptions } from './options.js';

/** Full-jitter backoff (a uniform draw below the exponential ceiling), so retries of many clients spread out. */
export function backoffDelay(retry: RetryOptions, failedAttempts: number, random = Math.random): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** (failedAttempts - 1));
  return Math.floor(random() * ceiling);
}

/** Resolves after `ms`, or at once when `signal` aborts; never rejects. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
