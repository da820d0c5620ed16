// @dsnp/parquetjs and parquetjs-lite share parquetjs's row API: appendRow per event, a row group
// flushed every rowGroupSize rows to the output stream.
import { createWriteStream } from 'node:fs';
import { metadataEntries } from '../events.mjs';

export function parquetjsWriter(lib, extraOptions = {}) {
  const { ParquetSchema, ParquetWriter } = lib;
  return async function write(events, path, { codec = 'SNAPPY', rowGroupSize = 100_000 } = {}) {
    const s = (name) => [name, { type: 'UTF8', compression: codec }];
    const schema = new ParquetSchema(
      Object.fromEntries([
        s('kind'),
        s('contextKind'),
        s('userKey'),
        ['creationDate', { type: 'INT64', compression: codec }],
        s('key'),
        s('variation'),
        s('value'),
        ['default', { type: 'BOOLEAN', compression: codec }],
        s('version'),
        s('source'),
        [
          'metadata',
          {
            type: 'MAP',
            fields: {
              key_value: {
                repeated: true,
                fields: {
                  key: { type: 'UTF8', compression: codec },
                  value: { type: 'UTF8', compression: codec },
                },
              },
            },
          },
        ],
      ]),
    );
    const out = createWriteStream(path);
    const writer = await ParquetWriter.openStream(schema, out, { rowGroupSize, ...extraOptions });
    for (const e of events) {
      await writer.appendRow({
        kind: e.kind,
        contextKind: e.contextKind,
        userKey: e.userKey,
        creationDate: e.creationDate,
        key: e.key,
        variation: e.variation,
        value: JSON.stringify(e.value ?? null),
        default: e.default,
        version: e.version ?? '',
        source: e.source,
        metadata: { key_value: metadataEntries(e.metadata).map(([key, value]) => ({ key, value })) },
      });
    }
    await writer.close();
  };
}
