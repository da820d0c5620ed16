import { DataExporter, type DataExporterOptions, type ExportableEvent } from '@ff/exporter-core';
import { canonicalJson, goffJsonRecord, recordingLogger } from '@ff/exporter-testkit';
import { expect } from 'vitest';
import type { WebhookExporter } from '../src/index.js';
import type { Received } from './receiver.js';

/** A DataExporter as a user wires one, with quick retries so a test sees them without waiting seconds. */
export function dataExporter(exporter: WebhookExporter, options: Partial<DataExporterOptions> = {}) {
  const logger = recordingLogger();
  const data = new DataExporter({
    exporter,
    flushIntervalMs: 3_600_000,
    maxEventsInMemory: 1_000_000,
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
    exportAtExit: false,
    logger,
    ...options,
  });
  return { data, logger };
}

/** Sends `events` as one batch and waits until it is settled. */
export async function exportBatch(data: DataExporter, events: readonly ExportableEvent[]): Promise<void> {
  for (const event of events) data.add(event);
  await data.flush();
}

/** The landed events equal what was sent, each exactly once, as GO Feature Flag's JSON. */
export function expectExactlyOnce(landed: readonly unknown[], events: readonly ExportableEvent[]): void {
  expect(landed.map(canonicalJson).sort()).toEqual(
    events.map((e) => canonicalJson(goffJsonRecord(e))).sort(),
  );
}

/** What a receiver that drops duplicates by Idempotency-Key keeps: the events of the first accepted request per key. */
export function dedupedEvents(requests: readonly Received[]): unknown[] {
  const seen = new Set<unknown>();
  return requests
    .filter((r) => r.status >= 200 && r.status < 300)
    .filter((r) => !seen.has(r.headers['idempotency-key']) && seen.add(r.headers['idempotency-key']))
    .flatMap((r) => r.body?.events ?? []);
}

export const keysOf = (requests: readonly Received[]) => requests.map((r) => r.headers['idempotency-key']);

/** Everything a logger or an error could show, as text: checked for secrets. */
export function everythingShown(logger: ReturnType<typeof recordingLogger>, ...errors: unknown[]): string {
  const seen = new Set<unknown>();
  const text: string[] = [];
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== 'object' || seen.has(value)) {
      text.push(String(value));
      return;
    }
    seen.add(value);
    if (value instanceof Error) {
      text.push(value.message, value.stack ?? '');
      walk(value.cause);
    }
    for (const [key, inner] of Object.entries(value)) {
      text.push(key);
      walk(inner);
    }
  };
  for (const entry of logger.entries) {
    text.push(entry.message);
    walk(entry.fields);
  }
  for (const error of errors) walk(error);
  return text.join('\n');
}
