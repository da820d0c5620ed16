// hyparquet-writer (pure JS): ParquetWriter appends row group after row group; its Writer's flush()
// hands over each row group's bytes, which go to the file before the next group is encoded.
import { open } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { featureColumns } from '../events.mjs';

export const codecs = ['SNAPPY', 'GZIP', 'UNCOMPRESSED'];

const schema = [
  { name: 'root', num_children: 11 },
  ...['kind', 'contextKind', 'userKey'].map((name) => ({
    name,
    type: 'BYTE_ARRAY',
    converted_type: 'UTF8',
    repetition_type: 'REQUIRED',
  })),
  { name: 'creationDate', type: 'INT64', repetition_type: 'REQUIRED' },
  ...['key', 'variation', 'value'].map((name) => ({
    name,
    type: 'BYTE_ARRAY',
    converted_type: 'UTF8',
    repetition_type: 'REQUIRED',
  })),
  { name: 'default', type: 'BOOLEAN', repetition_type: 'REQUIRED' },
  ...['version', 'source'].map((name) => ({
    name,
    type: 'BYTE_ARRAY',
    converted_type: 'UTF8',
    repetition_type: 'REQUIRED',
  })),
  { name: 'metadata', repetition_type: 'REQUIRED', converted_type: 'MAP', num_children: 1 },
  { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
  { name: 'key', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'value', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
];

function columns(events, from, to) {
  const c = featureColumns(events, from, to, (entries) => entries.map(([key, value]) => ({ key, value })));
  return Object.entries(c).map(([name, data]) => ({ name, data }));
}

export async function write(events, path, { codec = 'SNAPPY', rowGroupSize = 100_000 } = {}) {
  const file = await open(path, 'w');
  const writer = new ByteWriter(1 << 20);
  const pending = [];
  writer.flush = () => {
    pending.push(writer.getBytes().slice());
    writer.index = 0;
  };
  writer.finish = writer.flush;
  const pw = new ParquetWriter({ writer, schema, codec, compressors: { GZIP: (b) => gzipSync(b) } });
  for (let from = 0; from < events.length; from += rowGroupSize) {
    const to = Math.min(events.length, from + rowGroupSize);
    pw.write({ columnData: columns(events, from, to), rowGroupSize: to - from });
    for (const chunk of pending.splice(0)) await file.write(chunk);
  }
  pw.finish();
  for (const chunk of pending.splice(0)) await file.write(chunk);
  await file.close();
}
