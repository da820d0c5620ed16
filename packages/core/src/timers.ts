/** Node's timers take at most 2^31 - 1 ms; a longer delay silently fires after 1 ms instead. */
export const MAX_TIMER_MS = 2_147_483_647;

/** One turn of the event loop: lets timers and I/O run between two pieces of long work. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
