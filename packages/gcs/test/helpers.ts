import { DataExporter, type ExportableEvent, type Exporter } from '@ff/exporter-core';
import {
  assertExactlyOnce,
  canonicalJson,
  goffJsonRecord,
  parseJsonLines,
  recordingLogger,
  type StoredObject,
  sampleEvents,
} from '@ff/exporter-testkit';
import { RESUMABLE_THRESHOLD } from '../src/index.js';

/** Small: one multipart request. */
export const SMALL = 200;
/** Large enough that its JSON Lines pass RESUMABLE_THRESHOLD: a resumable upload. */
export const LARGE = Math.ceil((RESUMABLE_THRESHOLD * 1.5) / 250);

export const events = (count: number, seed: number): ExportableEvent[] => sampleEvents(count, { seed });

/** A DataExporter as a user wires one, with quick retries so failure tests stay short. */
export function dataExporter(exporter: Exporter, options: { exportTimeoutMs?: number; batch?: number } = {}) {
  const logger = recordingLogger();
  const data = new DataExporter({
    exporter,
    maxEventsInMemory: options.batch ?? 1_000_000,
    flushIntervalMs: 3_600_000,
    exportTimeoutMs: options.exportTimeoutMs ?? 20_000,
    retry: { initialDelayMs: 20, maxDelayMs: 100 },
    logger,
    exportAtExit: false,
  });
  return { data, logger };
}

/** The objects hold every event exactly once, every field as GO Feature Flag's JSON. */
export function expectExactlyOnce(objects: readonly StoredObject[], sent: readonly ExportableEvent[]): void {
  const landed = objects.flatMap((object) => parseJsonLines(new TextDecoder().decode(object.bytes)));
  assertExactlyOnce('read back', sent.map(goffJsonRecord), landed, canonicalJson);
}

/** Resolves once `check()` holds; fails the test after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Records what escapes as an uncaught exception or unhandled rejection while it is installed. */
export function escapes() {
  const seen: unknown[] = [];
  const record = (err: unknown) => seen.push(err);
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  return {
    seen,
    stop() {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    },
  };
}
