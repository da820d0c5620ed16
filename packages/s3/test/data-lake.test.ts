import { gunzipSync } from 'node:zlib';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { parquet } from '@ff/exporter-parquet';
import { parseJsonLines, sampleEvents } from '@ff/exporter-testkit';
import { describe, expect, it } from 'vitest';
import { S3Exporter } from '../src/index.js';
import { dataExporter, watchingLogger } from './delivery.js';
import { clientConfig, createBucket, deleteBucket, readBucket, useMoto } from './moto.js';

const moto = useMoto();

/** 2026-11-30T23:59:59Z: the first 100 sample events are on the 30th, the next 100 on December 1st. */
const BEFORE_MIDNIGHT = Date.UTC(2026, 10, 30, 23, 59, 59) / 1000;

describe('S3Exporter for data lakes, against moto', () => {
  it('Hive-style date partitions and gzip: one .json.gz object per date, each event in its own date', async () => {
    const bucket = `lake-${process.pid}`;
    await createBucket(moto.client, bucket);
    const exporter = new S3Exporter({
      bucket,
      path: 'events/dt={{ .Date}}',
      compression: 'gzip',
      clientConfig: clientConfig(moto.endpoint),
    });
    const data = dataExporter(exporter, watchingLogger());
    const sent = sampleEvents(200, { creationDate: BEFORE_MIDNIGHT });
    for (const event of sent) data.add(event);
    await data.close();
    expect(data.stats()).toMatchObject({ exported: sent.filter((e) => e.kind === 'feature').length });

    const objects = await readBucket(moto.client, bucket);
    expect(objects.map((o) => o.name.replace(/\/[^/]+$/, ''))).toEqual([
      'events/dt=2026-11-30',
      'events/dt=2026-12-01',
    ]);
    for (const object of objects) {
      expect(object.name).toMatch(/\.json\.gz$/);
      // Stored as gzip bytes, with no Content-Encoding that would make a client unzip it on download.
      const head = await moto.client.send(new HeadObjectCommand({ Bucket: bucket, Key: object.name }));
      expect(head.ContentEncoding).toBeUndefined();
      const date = /dt=([\d-]+)\//.exec(object.name)?.[1];
      const records = parseJsonLines(gunzipSync(object.bytes)) as { userKey: string; creationDate: number }[];
      expect(records.length).toBeGreaterThan(0);
      for (const record of records) {
        expect(new Date(record.creationDate * 1000).toISOString().slice(0, 10)).toBe(date);
      }
    }
    const landed = objects.flatMap((o) => parseJsonLines(gunzipSync(o.bytes)) as { userKey: string }[]);
    const expected = sent.filter((e) => e.kind === 'feature').map((e) => e.userKey);
    expect(landed.map((r) => r.userKey).sort()).toEqual([...expected].sort());
    await deleteBucket(moto.client, bucket);
  });

  it('gzip with Parquet is refused at construction, naming the Parquet option to use', () => {
    expect(() => new S3Exporter({ bucket: 'lake', format: parquet(), compression: 'gzip' })).toThrow(
      /parquet\(\{ compression \}\)/,
    );
  });
});
