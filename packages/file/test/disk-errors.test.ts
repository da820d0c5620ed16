import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataExporter, type Logger, silentLogger } from '@ff/exporter-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileExporter } from '../src/index.js';
import { canMakeImmutable, canMountTmpfs, immutableDir, smallDisk } from './disk-faults.js';
import { featureEvents } from './events.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  const error = (fields: Record<string, unknown>, message: string) =>
    errors.push(`${message} | ${(fields.err as Error | undefined)?.message}`);
  return { ...silentLogger, error, errors };
}

function exporterFor(
  outputDir: string,
  logger: Logger,
  retry = { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 50 },
) {
  return new DataExporter({
    exporter: new FileExporter({ outputDir }),
    logger,
    retry,
    maxEventsInMemory: 1000,
    exportAtExit: false,
  });
}

const invariant = (s: ReturnType<DataExporter['stats']>) => s.exported + s.dropped + s.failed + s.pending;

describe('disk errors are reported and counted, never thrown into add()', () => {
  it('outputDir blocked by a file: the batch fails at once (not retryable), counted and logged', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'ff-blocked-'));
    const outputDir = join(parent, 'out');
    writeFileSync(outputDir, 'not a folder');
    const logger = recordingLogger();
    const data = exporterFor(outputDir, logger);
    expect(() => data.add(featureEvents(1)[0]!)).not.toThrow();
    await data.flush();
    expect(data.stats()).toMatchObject({ received: 1, exported: 0, failed: 1, pending: 0, retries: 0 });
    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0]).toMatch(/non-retryable .*outputDir '.*out' \((EEXIST|ENOTDIR)\)/);
    await data.close();
  });

  it.skipIf(!canMountTmpfs)(
    'full disk: retried, then counted failed; no file, no temporary file left',
    async () => {
      const disk = smallDisk(256);
      cleanups.push(() => disk.dispose());
      disk.fill();
      const logger = recordingLogger();
      const data = exporterFor(disk.outputDir, logger);
      for (const event of featureEvents(500)) data.add(event);
      await data.flush();
      const stats = data.stats();
      expect(stats).toMatchObject({ received: 500, exported: 0, failed: 500, pending: 0, retries: 2 });
      expect(invariant(stats)).toBe(stats.received);
      expect(logger.errors.join('\n')).toMatch(/ENOSPC/);
      expect(readdirSync(disk.outputDir)).toEqual([]);
      await data.close();
    },
  );

  it.skipIf(!canMountTmpfs)(
    'full disk that frees up during the retries: every event lands exactly once',
    async () => {
      const disk = smallDisk(256);
      cleanups.push(() => disk.dispose());
      disk.fill();
      const data = exporterFor(disk.outputDir, silentLogger, {
        maxAttempts: 10,
        initialDelayMs: 50,
        maxDelayMs: 100,
      });
      const failedOnce = new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (data.stats().retries > 0) {
            clearInterval(timer);
            resolve();
          }
        }, 5);
      });
      for (const event of featureEvents(500)) data.add(event);
      const flushed = data.flush();
      await failedOnce;
      disk.free();
      await flushed;
      expect(data.stats()).toMatchObject({ received: 500, exported: 500, failed: 0, pending: 0 });
      const files = readdirSync(disk.outputDir);
      expect(files).toHaveLength(1);
      const lines = readFileSync(join(disk.outputDir, files[0]!), 'utf8').trim().split('\n');
      expect(lines.map((l) => JSON.parse(l).userKey)).toEqual(featureEvents(500).map((e) => e.userKey));
      await data.close();
    },
  );

  it.skipIf(!canMakeImmutable)(
    'read-only folder (immutable even to root): failed at once, counted',
    async () => {
      const folder = immutableDir();
      cleanups.push(() => folder.dispose());
      const logger = recordingLogger();
      const data = exporterFor(folder.dir, logger);
      for (const event of featureEvents(10)) data.add(event);
      await data.flush();
      expect(data.stats()).toMatchObject({ received: 10, failed: 10, exported: 0, pending: 0, retries: 0 });
      expect(logger.errors.join('\n')).toMatch(/EPERM|EACCES|EROFS/);
      await data.close();
    },
  );

  it('a file is never visible half-written: every file a reader sees under its final name is complete', async () => {
    const outputDir = mkdtempSync(join(tmpdir(), 'ff-atomic-'));
    const data = new DataExporter({
      exporter: new FileExporter({ outputDir }),
      logger: silentLogger,
      maxEventsInMemory: 100_000,
      exportAtExit: false,
    });
    const events = featureEvents(100_000);
    for (const event of events) data.add(event);
    const seen: number[] = [];
    const reader = setInterval(() => {
      for (const name of readdirSync(outputDir).filter((n) => n.endsWith('.json'))) {
        seen.push(readFileSync(join(outputDir, name), 'utf8').trim().split('\n').length);
      }
    }, 1);
    await data.flush();
    clearInterval(reader);
    const written = readdirSync(outputDir).filter((n) => n.endsWith('.json'));
    seen.push(
      ...written.map((name) => readFileSync(join(outputDir, name), 'utf8').trim().split('\n').length),
    );
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((lines) => lines === 100_000)).toBe(true);
    expect(readdirSync(outputDir).filter((n) => n.startsWith('.'))).toEqual([]);
    await data.close();
  });

  it('an aborted write (export timeout) leaves no file, and the retry writes the batch once', async () => {
    const outputDir = mkdtempSync(join(tmpdir(), 'ff-abort-'));
    const spy = vi.spyOn(FileExporter.prototype, 'export');
    const data = new DataExporter({
      exporter: new FileExporter({ outputDir }),
      logger: silentLogger,
      exportTimeoutMs: 1,
      retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
      exportAtExit: false,
    });
    for (const event of featureEvents(200_000)) data.add(event);
    await data.flush();
    spy.mockRestore();
    const stats = data.stats();
    // With a 1 ms budget the writes are aborted; whatever happened, nothing is half there or twice there.
    expect(invariant(stats)).toBe(stats.received);
    const files = readdirSync(outputDir);
    expect(files.filter((n) => n.startsWith('.'))).toEqual([]);
    expect(files.length).toBe(stats.exported > 0 ? 1 : 0);
    expect(existsSync(outputDir)).toBe(true);
    await data.close();
  });
});
