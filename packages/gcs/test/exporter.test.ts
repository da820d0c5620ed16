import { exportContext } from '@ff/exporter-testkit';
import { Storage } from '@google-cloud/storage';
import { describe, expect, it } from 'vitest';
import { GcsExporter } from '../src/index.js';
import { freshBucket, readBucket, sharedGcs } from './gcs.js';
import { events, expectExactlyOnce, SMALL } from './helpers.js';

const gcs = sharedGcs();

describe('GcsExporter options', () => {
  it('refuses a missing or empty bucket, naming the option', () => {
    expect(() => new GcsExporter({} as never)).toThrow(/option bucket/);
    expect(() => new GcsExporter({ bucket: '' })).toThrow(/option bucket/);
  });

  it('refuses storage and storageOptions together', () => {
    expect(
      () => new GcsExporter({ bucket: 'b', storage: new Storage(), storageOptions: { projectId: 'p' } }),
    ).toThrow(/storage and storageOptions/);
  });

  it('refuses a storage that is not a Storage', () => {
    expect(() => new GcsExporter({ bucket: 'b', storage: {} as never })).toThrow(/option storage/);
  });

  it('refuses an unknown format at construction', () => {
    expect(() => new GcsExporter({ bucket: 'b', format: 'xml' as never })).toThrow(/format/);
  });
});

describe('GcsExporter clients', () => {
  it('uses an injected Storage as is: its own retry settings are left alone', async () => {
    const bucket = await freshBucket(gcs.storage);
    const injected = new Storage({ apiEndpoint: gcs.endpoint, projectId: 'test' });
    const exporter = new GcsExporter({ bucket, storage: injected });
    const sent = events(SMALL, 20);
    await exporter.export(sent, exportContext());
    expect(injected.retryOptions.autoRetry).toBe(true);
    expectExactlyOnce(await readBucket(gcs.storage, bucket), sent);
  });

  it('honours STORAGE_EMULATOR_HOST when no endpoint is configured', async () => {
    const bucket = await freshBucket(gcs.storage);
    const previous = process.env.STORAGE_EMULATOR_HOST;
    process.env.STORAGE_EMULATOR_HOST = gcs.endpoint;
    try {
      const exporter = new GcsExporter({ bucket });
      const sent = events(SMALL, 21);
      await exporter.export(sent, exportContext());
      expectExactlyOnce(await readBucket(gcs.storage, bucket), sent);
    } finally {
      if (previous === undefined) delete process.env.STORAGE_EMULATOR_HOST;
      else process.env.STORAGE_EMULATOR_HOST = previous;
    }
  });
});
