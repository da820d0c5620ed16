import { gunzipSync } from 'node:zlib';
import { parquet } from '@ff/exporter-parquet';
import { exportContext, goffCsvRow, parseCsvRecords } from '@ff/exporter-testkit';
import { describe, expect, it } from 'vitest';
import { GcsExporter } from '../src/index.js';
import { cleanups, freshBucket, readBucket, sharedGcs } from './gcs.js';
import { dataExporter, events, expectExactlyOnce, LARGE } from './helpers.js';
import { startHttpProxy } from './http-proxy.js';

const gcs = sharedGcs();

/** 2023-11-14T23:59:59Z and the second after it: a batch spanning midnight UTC. */
const BEFORE_MIDNIGHT = 1_700_006_399;
const spanningMidnight = (count: number, seed: number) =>
  events(count, seed).map((event, i) => ({
    ...event,
    creationDate: i % 2 === 0 ? BEFORE_MIDNIGHT : BEFORE_MIDNIGHT + 1,
  }));

describe('GcsExporter for data lakes', () => {
  it("path 'events/dt={{ .Date}}': a batch spanning midnight becomes one object per date, each event in its own date's", async () => {
    const bucket = await freshBucket(gcs.storage);
    const sent = spanningMidnight(100, 30);
    const exporter = new GcsExporter({
      bucket,
      path: 'events/dt={{ .Date}}',
      storageOptions: { apiEndpoint: gcs.endpoint },
    });
    await exporter.export(sent, exportContext());
    const objects = await readBucket(gcs.storage, bucket);
    expect(objects.map((o) => o.name.replace(/\/[^/]+$/, '/…'))).toEqual([
      'events/dt=2023-11-14/…',
      'events/dt=2023-11-15/…',
    ]);
    expectExactlyOnce(
      objects.slice(0, 1),
      sent.filter((e) => e.creationDate === BEFORE_MIDNIGHT),
    );
    expectExactlyOnce(
      objects.slice(1),
      sent.filter((e) => e.creationDate !== BEFORE_MIDNIGHT),
    );
  });

  it('a partition whose upload fails is retried alone: the written one is not written twice', async () => {
    let uploads = 0;
    const proxy = await startHttpProxy(Number(new URL(gcs.endpoint).port), (req) =>
      req.method === 'POST' && ++uploads === 2 ? { answer: 503 } : undefined,
    );
    cleanups.push(() => proxy.close());
    const bucket = await freshBucket(gcs.storage);
    const sent = spanningMidnight(100, 31);
    const { data } = dataExporter(
      new GcsExporter({ bucket, path: 'dt={{ .Date}}', storageOptions: { apiEndpoint: proxy.url } }),
    );
    for (const event of sent) data.add(event);
    await data.flush({ timeoutMs: 20_000 });
    expect(data.stats()).toMatchObject({ exported: 100, failed: 0, retries: 1 });
    expect(proxy.log.map((r) => r.fault)).toEqual(['pass', '503', 'pass']);
    const objects = await readBucket(gcs.storage, bucket);
    expect(objects).toHaveLength(2);
    expectExactlyOnce(objects, sent);
    await data.close();
  });

  for (const size of [100, LARGE]) {
    it(`compression 'gzip' (${size.toLocaleString('en-US')} events): a .json.gz object of gzip bytes, no Content-Encoding, every event once`, async () => {
      const bucket = await freshBucket(gcs.storage);
      const sent = events(size, 32);
      await new GcsExporter({
        bucket,
        compression: 'gzip',
        storageOptions: { apiEndpoint: gcs.endpoint },
      }).export(sent, exportContext());
      const [object, ...others] = await readBucket(gcs.storage, bucket);
      expect(others).toEqual([]);
      expect(object?.name).toMatch(/\.json\.gz$/);
      // Stored as gzip and downloaded as gzip: no transparent decompression on the way.
      expect([...(object?.bytes.subarray(0, 2) ?? [])]).toEqual([0x1f, 0x8b]);
      const [metadata] = await gcs.storage
        .bucket(bucket)
        .file(object?.name ?? '')
        .getMetadata();
      expect(metadata.contentEncoding ?? '').toBe('');
      expect(metadata.contentType).toBe('application/x-ndjson');
      expectExactlyOnce([{ name: 'gunzipped', bytes: gunzipSync(object?.bytes ?? new Uint8Array()) }], sent);
    });
  }

  it("compression 'gzip' with CSV: a .csv.gz object holding GO Feature Flag's rows", async () => {
    const bucket = await freshBucket(gcs.storage);
    const sent = events(50, 33);
    await new GcsExporter({
      bucket,
      format: 'csv',
      compression: 'gzip',
      storageOptions: { apiEndpoint: gcs.endpoint },
    }).export(sent, exportContext());
    const [object] = await readBucket(gcs.storage, bucket);
    expect(object?.name).toMatch(/\.csv\.gz$/);
    const rows = parseCsvRecords(gunzipSync(object?.bytes ?? new Uint8Array()).toString('utf8')).map(
      (r) => r.raw,
    );
    expect(rows.sort()).toEqual(sent.map((e) => goffCsvRow(e).replace(/\r?\n$/, '')).sort());
  });

  it("compression 'gzip' with Parquet is refused at construction, naming parquet({ compression })", () => {
    expect(() => new GcsExporter({ bucket: 'b', format: parquet(), compression: 'gzip' })).toThrow(
      /parquet\(\{ compression \}\)/,
    );
  });
});
