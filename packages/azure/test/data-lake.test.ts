import { gunzipSync } from 'node:zlib';
import { exportContext, parseJsonLines, sampleEvents } from '@ff/exporter-testkit';
import { describe, expect, it } from 'vitest';
import { AzureBlobExporter, type AzureBlobExporterOptions } from '../src/index.js';
import { freshContainers, readContainer } from './azurite.js';
import { pipeline } from './helpers.js';

const azurite = freshContainers('lake');

const exporter = (options: Partial<AzureBlobExporterOptions>) =>
  new AzureBlobExporter({
    container: azurite.container.containerName,
    connectionString: azurite.env.AZURE_CONNECTION_STRING,
    ...options,
  });

/** 2023-11-14 23:59:00 UTC: a batch starting here crosses midnight after 60 seconds. */
const BEFORE_MIDNIGHT = Date.UTC(2023, 10, 14, 23, 59, 0) / 1000;

describe('AzureBlobExporter for data lakes, against Azurite', () => {
  it("'events/dt={{ .Date}}': a batch spanning midnight becomes one blob per date, each event in its own date's", async () => {
    // sampleEvents advances creationDate one second per 100 events: 10 000 events span 100 s.
    const events = sampleEvents(10_000, { creationDate: BEFORE_MIDNIGHT });
    const sink = pipeline(exporter({ path: 'events/dt={{ .Date}}' }));
    for (const event of events) sink.add(event);
    await sink.flush();
    await sink.close();
    expect(sink.stats()).toMatchObject({ exported: 10_000, failed: 0 });

    const objects = await readContainer(azurite.container);
    expect(objects.map((o) => o.name.replace(/\/[^/]+$/, ''))).toEqual([
      'events/dt=2023-11-14',
      'events/dt=2023-11-15',
    ]);
    for (const object of objects) {
      const date = /dt=(\d{4}-\d{2}-\d{2})/.exec(object.name)?.[1];
      const records = parseJsonLines(Buffer.from(object.bytes).toString('utf8')) as {
        creationDate: number;
      }[];
      expect(records.length).toBeGreaterThan(0);
      for (const { creationDate } of records)
        expect(new Date(creationDate * 1000).toISOString().slice(0, 10)).toBe(date);
    }
    const all = objects.flatMap(
      (o) => parseJsonLines(Buffer.from(o.bytes).toString('utf8')) as { userKey: string }[],
    );
    expect(all.map((r) => r.userKey).sort()).toEqual(events.map((e) => e.userKey).sort());
  });

  it("compression: 'gzip': a .json.gz blob of gzip bytes, content type JSON Lines, no Content-Encoding", async () => {
    const events = sampleEvents(2_000);
    await exporter({ compression: 'gzip', path: 'gz' }).export(events, exportContext());
    const [object, ...others] = await readContainer(azurite.container);
    expect(others).toEqual([]);
    expect(object?.name).toMatch(/^gz\/flag-variation-.*\.json\.gz$/);
    const bytes = Buffer.from(object?.bytes ?? []);
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const records = parseJsonLines(gunzipSync(bytes).toString('utf8')) as { userKey: string }[];
    expect(records.map((r) => r.userKey)).toEqual(events.map((e) => e.userKey));
    // Downloaded as is: a client must not unzip it behind the reader's back.
    const properties = await azurite.container.getBlobClient(object?.name as string).getProperties();
    expect(properties.contentEncoding).toBeUndefined();
    expect(properties.contentType).toBe('application/x-ndjson');
  });

  it('gzip over staged blocks: a large gzip batch streams and reads back whole', async () => {
    const events = sampleEvents(50_000);
    await exporter({ compression: 'gzip', format: 'csv', blockSize: 256 * 1024 }).export(
      events,
      exportContext(),
    );
    const [object] = await readContainer(azurite.container);
    expect(object?.name).toMatch(/\.csv\.gz$/);
    const { committedBlocks = [] } = await azurite.container
      .getBlockBlobClient(object?.name as string)
      .getBlockList('committed');
    expect(committedBlocks.length).toBeGreaterThan(1);
    const lines = gunzipSync(Buffer.from(object?.bytes ?? []))
      .toString('utf8')
      .trimEnd()
      .split('\n');
    expect(lines).toHaveLength(50_000);
  });

  it('gzip with Parquet is refused at construction, naming parquet({ compression })', () => {
    expect(() => exporter({ compression: 'gzip', format: 'parquet' })).toThrow(
      /parquet\(\{ compression \}\)/,
    );
  });
});
