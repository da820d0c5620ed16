import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import type { DataExporter, FanOut } from '@ff/exporter-core';
import {
  goffCsvRow,
  goffJsonRecord,
  parseJsonLines,
  readFolder,
  recordingLogger,
  sampleEvents,
} from '@ff/exporter-testkit';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExporter } from '../src/index.js';

// The real file exporter and Parquet format, loaded as an application would: files written, read back.
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ff-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const toArrayBuffer = (bytes: Uint8Array) =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

describe('kind: file, wired for real', () => {
  it('a YAML file naming three file exporters (JSON, CSV, tracking) writes what it got, read back', async () => {
    const config = join(dir, 'goff-proxy.yaml');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      config,
      `# a relay-proxy file, as their users have it
server:
  port: 1031
retriever:
  kind: http
  url: https://example.com/flags.goff.yaml
exporters:
  - kind: file
    outputDir: ./json
  - kind: File
    OutputDir: ./csv
    format: CSV
    csvTemplate: "{{ .Kind}};{{ .UserKey}};{{ .Key}};{{ .Value}}\\n"
    filename: "evaluations-{{ .Timestamp}}.{{ .Format}}"
  - kind: file
    outputDir: ./tracking
    eventType: tracking
`,
    );
    const wired = (await createExporter('goff-proxy.yaml', {
      cwd: dir,
      logger: recordingLogger(),
    })) as FanOut;
    const features = sampleEvents(50);
    const tracking = sampleEvents(5, { kind: 'tracking', seed: 2 });
    for (const event of [...features, ...tracking]) wired.add(event);
    await wired.close();

    const [json] = await readFolder(join(dir, 'json'));
    expect(json!.name).toMatch(/^flag-variation-.+\.json$/);
    expect(parseJsonLines(json!.bytes)).toEqual(features.map(goffJsonRecord));

    const [csv] = await readFolder(join(dir, 'csv'));
    expect(csv!.name).toMatch(/^evaluations-\d+-.+\.csv$/);
    expect(new TextDecoder().decode(csv!.bytes)).toBe(
      features.map((event) => goffCsvRow(event, '{{ .Kind}};{{ .UserKey}};{{ .Key}};{{ .Value}}\n')).join(''),
    );

    const [trackingFile] = await readFolder(join(dir, 'tracking'));
    expect(parseJsonLines(trackingFile!.bytes)).toEqual(tracking.map(goffJsonRecord));
    expect(wired.stats()).toMatchObject({
      'file#0': { received: 50, exported: 50 },
      'file#2': { received: 5, exported: 5 },
    });
  });

  it('format: parquet writes a Parquet file with the codec asked for, readable back', async () => {
    const events = sampleEvents(20);
    for (const codec of ['SNAPPY', 'gzip']) {
      const outputDir = join(dir, codec);
      const wired = (await createExporter(
        { exporter: { kind: 'file', outputDir, format: 'parquet', parquetCompressionCodec: codec } },
        { logger: recordingLogger() },
      )) as DataExporter;
      for (const event of events) wired.add(event);
      await wired.close();
      const [file] = await readFolder(outputDir);
      expect(file!.name).toMatch(/\.parquet$/);
      const buffer = toArrayBuffer(file!.bytes);
      const codecs = parquetMetadata(buffer).row_groups[0]!.columns.map((c) => c.meta_data?.codec);
      expect(new Set(codecs)).toEqual(new Set([codec.toUpperCase()]));
      if (codec === 'SNAPPY') {
        const rows = await parquetReadObjects({ file: buffer });
        expect(rows.map((row) => row.userKey)).toEqual(events.map((e) => e.userKey));
        expect(rows.map((row) => JSON.parse(String(row.value)))).toEqual(
          events.map((e) => (e.kind === 'feature' ? e.value : undefined)),
        );
      }
    }
  });

  const hasZstd = typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function';
  it.runIf(hasZstd)(
    'their common example, format: parquet + parquetCompressionCodec: ZSTD, as is',
    async () => {
      const wired = (await createExporter(
        `exporter:\n  kind: file\n  outputDir: ${dir}\n  format: parquet\n  parquetCompressionCodec: ZSTD\n`,
        { logger: recordingLogger() },
      )) as DataExporter;
      wired.add(sampleEvents(1)[0]!);
      await wired.close();
      const [file] = await readFolder(dir);
      const codecs = parquetMetadata(toArrayBuffer(file!.bytes)).row_groups[0]!.columns.map(
        (c) => c.meta_data?.codec,
      );
      expect(new Set(codecs)).toEqual(new Set(['ZSTD']));
    },
  );

  it('the config file is read relative to cwd, and so is outputDir', async () => {
    const { writeFile, mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'conf'));
    await writeFile(join(dir, 'conf', 'exporters.yaml'), 'exporter:\n  kind: file\n  outputDir: out\n');
    const wired = await createExporter('conf/exporters.yaml', { cwd: dir, logger: recordingLogger() });
    wired.add(sampleEvents(1)[0]!);
    await wired.close();
    expect(await readFolder(join(dir, 'out'))).toHaveLength(1);
    await expect(readFile(join(dir, 'conf', 'out'))).rejects.toThrow();
  });
});
