import { type ExportContext, type Logger, nextBatchId, silentLogger } from '@ff/exporter-core';

export interface ExportContextOptions extends Partial<ExportContext> {
  /** Time the attempt gets: sets `deadline` and, unless `signal` is given, aborts `signal`. Default 30_000. */
  timeoutMs?: number;
}

/**
 * An ExportContext as DataExporter builds one, for calling `exporter.export()` directly in tests.
 * Pass the same `batchId` and `batchCreatedAt` with `attempt: 2` to replay a retry.
 */
export function exportContext(options: ExportContextOptions = {}): ExportContext {
  const { timeoutMs = 30_000, ...given } = options;
  const now = Date.now();
  return {
    signal: given.signal ?? AbortSignal.timeout(timeoutMs),
    logger: given.logger ?? silentLogger,
    batchId: given.batchId ?? nextBatchId(),
    attempt: given.attempt ?? 1,
    deadline: given.deadline ?? now + timeoutMs,
    batchCreatedAt: given.batchCreatedAt ?? now,
  };
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/** A Logger that keeps what it is told, so a failure report can show what core logged. */
export function recordingLogger(): Logger & { entries: LogEntry[]; summary(): string } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (fields: Record<string, unknown>, message: string): void => {
      entries.push({ level, fields, message });
    };
  return {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    summary() {
      const notable = entries.filter((e) => e.level === 'warn' || e.level === 'error');
      if (notable.length === 0) return 'nothing logged at warn or error';
      return notable
        .slice(-5)
        .map((e) => {
          const err = e.fields.err as { message?: unknown; cause?: { message?: unknown } } | undefined;
          const why = err?.message
            ? ` (${String(err.message)}${err.cause?.message ? `: ${String(err.cause.message)}` : ''})`
            : '';
          return `${e.level}: ${e.message}${why}`;
        })
        .join('; ');
    },
  };
}
