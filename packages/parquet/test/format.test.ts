import { gzipSync } from 'node:zlib';
import { collect, type ExportableEvent, isFormat } from '@ff/exporter-core';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_CODECS, DEFAULT_ROW_GROUP_SIZE, parquet } from '../src/index.js';
import { featureEvents, trackingEvents } from './events.js';

const MAGIC = Buffer.from('PAR1');

async function encode(events: readonly ExportableEvent[], options = {}) {
  const invalid: { index: number; error: Error }[] = [];
  const chunks: Uint8Array[] = [];
  for await (const chunk of parquet(options).encode(events, (index, error) =>
    invalid.push({ index, error }),
  )) {
    chunks.push(chunk);
  }
  return { chunks, invalid, file: Buffer.concat(chunks) };
}

describe('parquet()', () => {
  it('is a Format named parquet, SNAPPY by default', () => {
    const format = parquet();
    expect(isFormat(format)).toBe(true);
    expect(format).toMatchObject({
      name: 'parquet',
      contentType: 'application/vnd.apache.parquet',
      compression: 'SNAPPY',
      rowGroupSize: DEFAULT_ROW_GROUP_SIZE,
    });
  });

  it('takes codec names in any case, as GO Feature Flag’s parquetCompressionCodec', () => {
    expect(parquet({ compression: 'gzip' }).compression).toBe('GZIP');
    expect(parquet({ compression: 'Brotli' }).compression).toBe('BROTLI');
    expect(parquet({ compression: 'uncompressed' }).compression).toBe('UNCOMPRESSED');
    for (const codec of BUILT_IN_CODECS) expect(parquet({ compression: codec }).compression).toBe(codec);
  });

  it('refuses an unknown codec, naming the option and the codecs it takes', () => {
    expect(() => parquet({ compression: 'zip' })).toThrow(
      /compression must be one of SNAPPY, GZIP, BROTLI.*got 'zip'/,
    );
  });

  it('refuses a codec it has no compressor for, saying how to pass one', () => {
    expect(() => parquet({ compression: 'LZ4_RAW' })).toThrow(
      /no LZ4_RAW compressor.*compressors: \{ LZ4_RAW:/,
    );
  });

  it.runIf(!BUILT_IN_CODECS.includes('ZSTD'))('explains ZSTD on a Node.js without node:zlib zstd', () => {
    expect(() => parquet({ compression: 'zstd' })).toThrow(/node:zlib has no zstd before Node.js 22.15/);
  });

  it('uses a compressor passed for a codec in place of its own', async () => {
    let calls = 0;
    const counted = (bytes: Uint8Array) => {
      calls++;
      return gzipSync(bytes);
    };
    const { file } = await encode(featureEvents, { compression: 'GZIP', compressors: { GZIP: counted } });
    expect(calls).toBeGreaterThan(0);
    expect(file.subarray(-4)).toEqual(MAGIC);
  });

  it('refuses a bad rowGroupSize or compressor', () => {
    expect(() => parquet({ rowGroupSize: 0 })).toThrow(/rowGroupSize must be a positive integer/);
    expect(() => parquet({ rowGroupSize: 1.5 })).toThrow(/rowGroupSize/);
    expect(() => parquet({ compressors: { ZSTD: 'fast' as never } })).toThrow(
      /compressors.ZSTD must be a function/,
    );
  });
});

describe('encode', () => {
  it('yields nothing for an empty batch', async () => {
    expect((await encode([])).chunks).toEqual([]);
  });

  it('starts and ends with the Parquet magic', async () => {
    const { file } = await encode(featureEvents);
    expect(file.subarray(0, 4)).toEqual(MAGIC);
    expect(file.subarray(-4)).toEqual(MAGIC);
  });

  it('streams: one chunk per row group (the first with the header), then the footer', async () => {
    const { chunks } = await encode(featureEvents, { rowGroupSize: 5 });
    const groups = Math.ceil(featureEvents.length / 5);
    expect(chunks).toHaveLength(groups + 1);
    expect(Buffer.from(chunks[0]!).subarray(0, 4)).toEqual(MAGIC);
  });

  it('reports events it cannot encode, with their index, and writes the rest', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const good = featureEvents[0]!;
    const events: ExportableEvent[] = [
      good,
      { ...good, value: 1n },
      { ...good, value: cyclic },
      { ...good, value: Symbol('s') },
      { ...good, value: () => 1 },
      { ...good, metadata: { n: 1n } },
      { ...good, metadata: 'not-a-map' as never },
      { ...good, creationDate: 1.5 },
      { ...good, creationDate: Number.NaN },
      good,
    ];
    const { invalid, file } = await encode(events);
    expect(invalid.map((i) => i.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(invalid.every((i) => i.error instanceof Error)).toBe(true);
    expect(invalid[5]!.error.message).toMatch(/metadata must be an object/);
    expect(invalid[6]!.error.message).toMatch(/creationDate must be integer unix seconds/);
    expect(file.subarray(0, 4)).toEqual(MAGIC);
  });

  it('yields nothing when every event is left out', async () => {
    const { chunks, invalid } = await encode([
      { ...featureEvents[0]!, value: 1n },
      { ...featureEvents[1]!, value: 2n },
    ]);
    expect(chunks).toEqual([]);
    expect(invalid.map((i) => i.index)).toEqual([0, 1]);
  });

  it('holds one kind of event per file: the first event’s; the other kind is reported', async () => {
    const { invalid } = await encode([featureEvents[0]!, trackingEvents[0]!, featureEvents[1]!]);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]!.index).toBe(1);
    expect(invalid[0]!.error.message).toMatch(/holds feature events, got kind 'tracking'/);
    const tracking = await encode([trackingEvents[0]!, featureEvents[0]!]);
    expect(tracking.invalid.map((i) => i.index)).toEqual([1]);
  });

  it('gives the event loop a turn between row groups', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      await collect(parquet({ rowGroupSize: 2 }).encode(featureEvents, () => {}));
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });
});
