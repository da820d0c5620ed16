// parquet-wasm (Rust parquet crate in wasm) with apache-arrow JS building the record batches: each
// row group is an Arrow record batch, passed to the wasm side as IPC, written by
// transformParquetStream as the file streams out.
import { open } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import * as wasm from 'parquet-wasm';
import { featureColumns } from '../events.mjs';

export const codecs = ['SNAPPY', 'GZIP', 'ZSTD', 'UNCOMPRESSED'];

const str = (name) => new arrow.Field(name, new arrow.Utf8(), false);
const mapType = new arrow.Map_(
  new arrow.Field('key_value', new arrow.Struct([str('key'), str('value')]), false),
);
const schema = new arrow.Schema([
  str('kind'),
  str('contextKind'),
  str('userKey'),
  new arrow.Field('creationDate', new arrow.Int64(), false),
  str('key'),
  str('variation'),
  str('value'),
  new arrow.Field('default', new arrow.Bool(), false),
  str('version'),
  str('source'),
  new arrow.Field('metadata', mapType, false),
]);

function batch(events, from, to) {
  const c = featureColumns(events, from, to, (entries) => new Map(entries));
  const children = schema.fields.map((f) => arrow.vectorFromArray(c[f.name], f.type).data[0]);
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: to - from, children });
  const table = new arrow.Table([new arrow.RecordBatch(schema, data)]);
  const ipc = arrow.tableToIPC(table, 'stream');
  return wasm.Table.fromIPCStream(ipc).recordBatches();
}

export async function write(events, path, { codec = 'SNAPPY', rowGroupSize = 100_000 } = {}) {
  const props = new wasm.WriterPropertiesBuilder()
    .setCompression(wasm.Compression[codec])
    .setMaxRowGroupSize(rowGroupSize)
    .build();
  let from = 0;
  const batches = new ReadableStream(
    {
      pull(controller) {
        if (from >= events.length) return controller.close();
        const to = Math.min(events.length, from + rowGroupSize);
        for (const b of batch(events, from, to)) controller.enqueue(b);
        from = to;
      },
    },
    { highWaterMark: 0 },
  );
  const bytes = await wasm.transformParquetStream(batches, props);
  const file = await open(path, 'w');
  for await (const chunk of bytes) await file.write(chunk);
  await file.close();
}
