import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { link } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobExporter, DataExporter, type ExportContext, silentLogger } from '@ff/exporter-core';
import { parseJsonLines } from '@ff/exporter-testkit';
import { describe, expect, it } from 'vitest';
import { FileStore } from '../src/index.js';
import { featureEvents } from './events.js';

// FAT/exFAT and some FUSE or network mounts refuse link(): the store falls back to a create-only copy.

function refusingLink(code: string) {
  const calls: string[] = [];
  const refuse = async (_existing: string, target: string) => {
    calls.push(target);
    throw Object.assign(new Error(`${code}: operation not permitted, link -> '${target}'`), { code });
  };
  return { calls, refuse };
}

function context(batchId: string, attempt = 1): ExportContext {
  return {
    signal: new AbortController().signal,
    logger: silentLogger,
    batchId,
    attempt,
    deadline: Date.now() + 30_000,
    batchCreatedAt: 1_700_000_000_000,
  };
}

const WRITE = { contentType: 'application/x-ndjson', signal: new AbortController().signal };

const body = async function* (text: string) {
  yield Buffer.from(text);
};

describe('FileStore without hard links', () => {
  it.each(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'])(
    'link() failing with %s: the batch is written by a create-only copy, and the store remembers it',
    async (code) => {
      const outputDir = mkdtempSync(join(tmpdir(), 'ff-nolink-'));
      const { calls, refuse } = refusingLink(code);
      const store = new FileStore(outputDir, { link: refuse });
      const data = new DataExporter({
        exporter: new BlobExporter(store),
        logger: silentLogger,
        maxEventsInMemory: 100,
        maxPendingEvents: 1_000,
        exportAtExit: false,
      });
      const events = featureEvents(250);
      for (const event of events) data.add(event);
      await data.close();
      expect(data.stats()).toMatchObject({ exported: 250, failed: 0, retries: 0 });
      expect(store.hardLinks).toBe(false);
      // Tried once, then remembered: three batches, one refused link() call.
      expect(calls).toHaveLength(1);
      const files = readdirSync(outputDir).sort();
      expect(files).toHaveLength(3);
      expect(files.filter((f) => f.startsWith('.'))).toEqual([]);
      const keys = files.flatMap((f) =>
        (parseJsonLines(readFileSync(join(outputDir, f))) as { userKey: string }[]).map((r) => r.userKey),
      );
      expect(keys.sort()).toEqual(events.map((e) => e.userKey).sort());
    },
  );

  it('the copy is still create-only: an existing file is never overwritten', async () => {
    const outputDir = mkdtempSync(join(tmpdir(), 'ff-nolink-excl-'));
    const store = new FileStore(outputDir, { link: refusingLink('EPERM').refuse });
    await expect(store.create('a.json', body('first\n'), WRITE)).resolves.toBe('created');
    await expect(store.create('a.json', body('second\n'), WRITE)).resolves.toBe('exists');
    expect(readFileSync(join(outputDir, 'a.json'), 'utf8')).toBe('first\n');

    // Through the exporter: someone else's file under the batch's name fails attempt 1, untouched.
    const exporter = new BlobExporter(store, { filename: 'b-{{ .BatchId}}.json' });
    writeFileSync(join(outputDir, 'b-x-2.json'), 'theirs\n');
    await expect(exporter.export(featureEvents(2), context('x-2'))).rejects.toMatchObject({
      retryable: false,
    });
    expect(readFileSync(join(outputDir, 'b-x-2.json'), 'utf8')).toBe('theirs\n');
    // On a retry, the name taken by our earlier attempt counts as delivered.
    await expect(exporter.export(featureEvents(2), context('x-2', 2))).resolves.toEqual({ rejected: [] });
    expect(readdirSync(outputDir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('other link() errors are not mistaken for "no hard links"', async () => {
    const outputDir = mkdtempSync(join(tmpdir(), 'ff-nolink-other-'));
    const store = new FileStore(outputDir, { link: refusingLink('EACCES').refuse });
    await expect(store.create('a.json', body('x\n'), WRITE)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/EACCES/),
    });
    expect(store.hardLinks).toBe(true);
    expect(readdirSync(outputDir)).toEqual([]);
  });

  it('with working hard links, link() is used (the default)', async () => {
    const outputDir = mkdtempSync(join(tmpdir(), 'ff-link-'));
    const calls: string[] = [];
    const store = new FileStore(outputDir, {
      link: async (existing, target) => {
        calls.push(target);
        await link(existing, target);
      },
    });
    await expect(store.create('a.json', body('x\n'), WRITE)).resolves.toBe('created');
    expect(calls).toEqual([join(outputDir, 'a.json')]);
    expect(store.hardLinks).toBe(true);
  });
});
