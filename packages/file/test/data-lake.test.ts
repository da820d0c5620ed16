import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DataExporter, type FeatureEvent, silentLogger } from '@ff/exporter-core';
import { parseCsv, parseJsonLines, readFolder } from '@ff/exporter-testkit';
import { describe, expect, it } from 'vitest';
import { FileExporter } from '../src/index.js';
import { featureEvents } from './events.js';

// Partitions and gzip on the real file system: the files read back as a data lake would read them.

const MIDNIGHT = Date.UTC(2024, 2, 1) / 1000; // 2024-03-01T00:00:00Z

/** `n` events on each side of midnight UTC, alternating. */
function acrossMidnight(n: number): FeatureEvent[] {
  return featureEvents(2 * n).map((event, i) => ({
    ...event,
    creationDate: i % 2 === 0 ? MIDNIGHT - 1 - i : MIDNIGHT + i,
  }));
}

async function exportAll(exporter: FileExporter, events: readonly FeatureEvent[]) {
  const data = new DataExporter({ exporter, logger: silentLogger, exportAtExit: false });
  for (const event of events) data.add(event);
  await data.close();
  expect(data.stats()).toMatchObject({ received: events.length, exported: events.length, failed: 0 });
  return readFolder(exporter.outputDir);
}

describe('FileExporter data-lake layout', () => {
  it("path 'events/dt={{ .Date}}': one gzip JSON Lines file per date, each event in its own date", async () => {
    const outputDir = mkdtempSync(join(tmpdir(), 'ff-lake-'));
    const events = acrossMidnight(500);
    const files = await exportAll(
      new FileExporter({ outputDir, path: 'events/dt={{ .Date}}', compression: 'gzip' }),
      events,
    );
    expect(files.map((f) => f.name.replace(/\/flag-variation-.*\.json\.gz$/, ''))).toEqual([
      'events/dt=2024-02-29',
      'events/dt=2024-03-01',
    ]);
    for (const file of files) {
      expect(file.name).toMatch(/\.json\.gz$/);
      const day = file.name.slice('events/dt='.length, 'events/dt='.length + 10);
      const records = parseJsonLines(gunzipSync(file.bytes)) as FeatureEvent[];
      const expected = events.filter(
        (e) => new Date(e.creationDate * 1000).toISOString().slice(0, 10) === day,
      );
      expect(records.map((r) => r.userKey)).toEqual(expected.map((e) => e.userKey));
    }
  });

  it('csv with gzip: .csv.gz files that gunzip to the CSV rows', async () => {
    const outputDir = mkdtempSync(join(tmpdir(), 'ff-lake-csv-'));
    const events = featureEvents(300);
    const [file, ...others] = await exportAll(
      new FileExporter({
        outputDir,
        format: 'csv',
        compression: 'gzip',
        csvTemplate: '{{ .UserKey}};{{ .Key}}\n',
      }),
      events,
    );
    expect(others).toEqual([]);
    expect(file!.name).toMatch(/^flag-variation-.*\.csv\.gz$/);
    const rows = parseCsv(gunzipSync(file!.bytes));
    expect(rows).toEqual(events.map((e) => [e.userKey, e.key]));
    expect(readFileSync(join(outputDir, file!.name)).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });
});
