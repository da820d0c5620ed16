import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataExporter, type FeatureEvent, silentLogger } from '@ff/exporter-core';
import { describe, expect, it } from 'vitest';
import { FileExporter } from '../src/index.js';

const events: FeatureEvent[] = [
  {
    kind: 'feature',
    contextKind: 'user',
    userKey: 'u-1',
    creationDate: 1700000000,
    key: 'new-checkout',
    variation: 'enabled',
    value: true,
    default: false,
    version: '3',
    source: 'SERVER',
  },
  {
    kind: 'feature',
    contextKind: 'anonymousUser',
    userKey: 'anon-7',
    creationDate: 1700000001,
    key: 'banner',
    variation: 'SdkDefault',
    value: 'a;b "quoted"',
    default: true,
    source: 'PROVIDER_CACHE',
    metadata: { env: 'prod', region: 'eu' },
  },
  {
    kind: 'feature',
    contextKind: '',
    userKey: 'u-2',
    creationDate: 1700000002,
    key: 'limits',
    variation: 'big',
    value: { max: 10, tags: ['x'] },
    default: false,
    version: '',
    source: 'SERVER',
    metadata: {},
  },
];

async function exportAll(options: ConstructorParameters<typeof FileExporter>[0]) {
  const data = new DataExporter({
    exporter: new FileExporter(options),
    logger: silentLogger,
    exportAtExit: false,
  });
  for (const event of events) data.add(event);
  await data.close();
  expect(data.stats()).toMatchObject({ received: 3, exported: 3, failed: 0, pending: 0 });
  const files = readdirSync(options.outputDir);
  expect(files).toHaveLength(1);
  return { name: files[0]!, text: readFileSync(join(options.outputDir, files[0]!), 'utf8') };
}

describe('FileExporter output equals GO Feature Flag’s', () => {
  it('writes JSON Lines with their keys in their order, version always, empty contextKind and metadata omitted', async () => {
    const outputDir = mkdtempSync(join(tmpdir(), 'ff-json-'));
    const { name, text } = await exportAll({ outputDir, format: 'JSON' });
    expect(name).toMatch(/^flag-variation-.+-\d{10}-[0-9a-f]{8}-\d+\.json$/);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    // Written out by hand from GO Feature Flag's FeatureEvent struct tags (json.Marshal order).
    expect(lines.map((l) => Object.keys(JSON.parse(l)))).toEqual([
      [
        'kind',
        'contextKind',
        'userKey',
        'creationDate',
        'key',
        'variation',
        'value',
        'default',
        'version',
        'source',
      ],
      [
        'kind',
        'contextKind',
        'userKey',
        'creationDate',
        'key',
        'variation',
        'value',
        'default',
        'version',
        'source',
        'metadata',
      ],
      ['kind', 'userKey', 'creationDate', 'key', 'variation', 'value', 'default', 'version', 'source'],
    ]);
    expect(lines[1]).toBe(
      '{"kind":"feature","contextKind":"anonymousUser","userKey":"anon-7","creationDate":1700000001,"key":"banner","variation":"SdkDefault","value":"a;b \\"quoted\\"","default":true,"version":"","source":"PROVIDER_CACHE","metadata":{"env":"prod","region":"eu"}}',
    );
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { ...events[0] },
      { ...events[1], version: '' },
      {
        kind: 'feature',
        userKey: 'u-2',
        creationDate: 1700000002,
        key: 'limits',
        variation: 'big',
        value: { max: 10, tags: ['x'] },
        default: false,
        version: '',
        source: 'SERVER',
      },
    ]);
  });

  it('writes CSV with their default template, quoting only values that would break the row', async () => {
    const outputDir = mkdtempSync(join(tmpdir(), 'ff-csv-'));
    const { name, text } = await exportAll({ outputDir, format: 'csv' });
    expect(name.endsWith('.csv')).toBe(true);
    expect(text).toBe(
      [
        'feature;user;u-1;1700000000;new-checkout;enabled;true;false;SERVER',
        'feature;anonymousUser;anon-7;1700000001;banner;SdkDefault;"a;b ""quoted""";true;PROVIDER_CACHE',
        // Objects are written as JSON, and JSON holds `"`, so it is quoted like any such value.
        'feature;;u-2;1700000002;limits;big;"{""max"":10,""tags"":[""x""]}";false;SERVER',
        '',
      ].join('\n'),
    );
  });

  it('applies a custom csvTemplate and filename template', async () => {
    const outputDir = mkdtempSync(join(tmpdir(), 'ff-csv-'));
    const { name, text } = await exportAll({
      outputDir,
      format: 'csv',
      csvTemplate: '{{ .FormattedDate}},{{ .Key}},{{ .Version}}\n',
      filename: 'evals-{{ .Timestamp}}-{{ .BatchId}}.{{ .Format}}',
    });
    expect(name).toMatch(/^evals-\d{10}-[0-9a-f]{8}-\d+\.csv$/);
    expect(text).toBe(
      '2023-11-14T22:13:20Z,new-checkout,3\n2023-11-14T22:13:21Z,banner,\n2023-11-14T22:13:22Z,limits,\n',
    );
  });
});
