/** A pino-style logger: `logger.warn({ err, exporter }, 'message')`. pino, bunyan and console adapters fit. */
export interface Logger {
  /** Detail for troubleshooting. */
  debug(fields: Record<string, unknown>, message: string): void;
  /** Normal but notable: a retry scheduled (with its delay), drops ended. */
  info(fields: Record<string, unknown>, message: string): void;
  /** Events lost or refused, once per episode: drops, rejected events, a bad exporter result. */
  warn(fields: Record<string, unknown>, message: string): void;
  /** A batch given up on: retries exhausted, a non-retryable error, the close deadline. */
  error(fields: Record<string, unknown>, message: string): void;
}

/** Warnings and errors to the console; debug and info are left out. */
export const consoleLogger: Logger = {
  debug() {},
  info() {},
  warn: (fields, message) => console.warn(`[ff-exporter] ${message}`, fields),
  error: (fields, message) => console.error(`[ff-exporter] ${message}`, fields),
};

/** Discards everything: for tests and for callers who read `stats()` and diagnostics instead. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** The caller's logger, made unable to throw: a failing logger must not stall or crash an export. */
export function safeLogger(logger: Logger): Logger {
  const guard =
    (level: keyof Logger) =>
    (fields: Record<string, unknown>, message: string): void => {
      try {
        logger[level](fields, message);
      } catch {
        // Nowhere better to report it.
      }
    };
  return { debug: guard('debug'), info: guard('info'), warn: guard('warn'), error: guard('error') };
}
