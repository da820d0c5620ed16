import type { S3Client } from '@aws-sdk/client-s3';
import { DataExporter, type ExportableEvent, type Exporter, type Logger } from '@ff/exporter-core';
import { assertExactlyOnce, parseJsonLines, sampleEvents } from '@ff/exporter-testkit';
import { readBucket } from './moto.js';

/** A logger that keeps what core says, and resolves `retrying` at the first retry it announces. */
export function watchingLogger(): Logger & { errors: string[]; retrying: Promise<string> } {
  const errors: string[] = [];
  let announce: (message: string) => void = () => {};
  const retrying = new Promise<string>((resolve) => {
    announce = resolve;
  });
  const reason = (fields: Record<string, unknown>) => (fields.err as Error | undefined)?.message ?? '';
  return {
    errors,
    retrying,
    debug: () => {},
    info: (fields, message) => {
      if (message === 'export failed, retrying') announce(reason(fields));
    },
    warn: (fields, message) => errors.push(`${message} | ${reason(fields)}`),
    error: (fields, message) => errors.push(`${message} | ${reason(fields)}`),
  };
}

/** A DataExporter that retries fast: these tests are about outcomes, not backoff. */
export function dataExporter(
  exporter: Exporter,
  logger: Logger,
  exportTimeoutMs = 10_000,
  maxAttempts = 4,
): DataExporter {
  return new DataExporter({
    exporter,
    logger,
    retry: { maxAttempts, initialDelayMs: 50, maxDelayMs: 100 },
    exportTimeoutMs,
    maxEventsInMemory: 1_000_000,
    flushIntervalMs: 3_600_000,
    exportAtExit: false,
  });
}

export function events(n: number, seed = 1): ExportableEvent[] {
  return sampleEvents(n, { seed }).filter((event) => event.kind === 'feature');
}

/** Checks that every event sent is in the bucket exactly once (JSON Lines); resolves the object keys. */
export async function expectLandedOnce(
  client: S3Client,
  bucket: string,
  sent: readonly ExportableEvent[],
): Promise<string[]> {
  const objects = await readBucket(client, bucket);
  const records = objects.flatMap((object) => parseJsonLines(object.bytes));
  assertExactlyOnce('S3 read-back', sent, records, (item) => String((item as { userKey: string }).userKey));
  return objects.map((object) => object.name);
}
