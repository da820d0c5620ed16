// Expected lines are GO Feature Flag's: its json.Marshal of exporter.FeatureEvent / TrackingEvent
// (field order from the struct, `contextKind` and `metadata` omitempty, `version` always present),
// as in its exporter/fileexporter/testdata/all_default.json plus the `source` field added since.
import { describe, expect, it } from 'vitest';
import {
  collect,
  type ExportableEvent,
  type FeatureEvent,
  featureEventJson,
  jsonLines,
  type TrackingEvent,
} from '../src/index.js';

async function encode(events: readonly ExportableEvent[]) {
  const invalid: { index: number; error: Error }[] = [];
  const body = await collect(jsonLines().encode(events, (index, error) => invalid.push({ index, error })));
  return { text: body.toString('utf8'), invalid };
}

const goffEvent = (overrides: Partial<FeatureEvent> = {}): FeatureEvent => ({
  kind: 'feature',
  contextKind: 'anonymousUser',
  userKey: 'ABCD',
  creationDate: 1617970547,
  key: 'random-key',
  variation: 'Default',
  value: 'YO',
  default: false,
  source: 'SERVER',
  ...overrides,
});

describe('JSON Lines format (GO Feature Flag json)', () => {
  it("is named 'json', one event per line", () => {
    const format = jsonLines();
    expect(format.name).toBe('json');
    expect(format.contentType).toBe('application/x-ndjson');
  });

  it("writes GO Feature Flag's lines: same fields, same order, version always present", async () => {
    const { text } = await encode([
      goffEvent(),
      goffEvent({ userKey: 'EFGH', creationDate: 1617970701, value: 'YO2', version: '127' }),
    ]);
    expect(text).toBe(
      '{"kind":"feature","contextKind":"anonymousUser","userKey":"ABCD","creationDate":1617970547,"key":"random-key","variation":"Default","value":"YO","default":false,"version":"","source":"SERVER"}\n' +
        '{"kind":"feature","contextKind":"anonymousUser","userKey":"EFGH","creationDate":1617970701,"key":"random-key","variation":"Default","value":"YO2","default":false,"version":"127","source":"SERVER"}\n',
    );
  });

  it('keeps the key order kind, contextKind, userKey, creationDate, key, variation, value, default, version, source, metadata', async () => {
    const { text } = await encode([goffEvent({ metadata: { env: 'prod' } })]);
    expect(Object.keys(JSON.parse(text))).toEqual([
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
    ]);
  });

  it('writes metadata last when it is not empty, and leaves it out when empty', async () => {
    const { text } = await encode([
      goffEvent({
        value: { bool: true, float: 1.23, int: 1, string: 'string' },
        metadata: { metadata1: 'metadata1', metadata2: 24, metadata3: true },
      }),
      goffEvent({ metadata: {} }),
    ]);
    expect(text.split('\n')).toEqual([
      '{"kind":"feature","contextKind":"anonymousUser","userKey":"ABCD","creationDate":1617970547,"key":"random-key","variation":"Default","value":{"bool":true,"float":1.23,"int":1,"string":"string"},"default":false,"version":"","source":"SERVER","metadata":{"metadata1":"metadata1","metadata2":24,"metadata3":true}}',
      '{"kind":"feature","contextKind":"anonymousUser","userKey":"ABCD","creationDate":1617970547,"key":"random-key","variation":"Default","value":"YO","default":false,"version":"","source":"SERVER"}',
      '',
    ]);
  });

  it('leaves contextKind out when empty and writes a missing value as null', async () => {
    const { text } = await encode([
      goffEvent({ contextKind: '', userKey: 'u1', key: 'k', variation: 'on', value: undefined }),
    ]);
    expect(text).toBe(
      '{"kind":"feature","userKey":"u1","creationDate":1617970547,"key":"k","variation":"on","value":null,"default":false,"version":"","source":"SERVER"}\n',
    );
  });

  it('writes numbers, booleans and arrays as JSON values', async () => {
    const { text } = await encode([
      goffEvent({ value: 12.5 }),
      goffEvent({ value: false }),
      goffEvent({ value: [1, 'a'] }),
    ]);
    expect(text.split('\n').map((line) => line && JSON.parse(line).value)).toEqual([
      12.5,
      false,
      [1, 'a'],
      '',
    ]);
  });

  it("writes tracking events with GO Feature Flag's TrackingEvent fields", async () => {
    const tracking: TrackingEvent = {
      kind: 'tracking',
      contextKind: 'user',
      userKey: 'u1',
      creationDate: 1617970547,
      key: 'checkout',
      evaluationContext: { plan: 'pro', targetingKey: 'u1' },
      trackingEventDetails: { amount: 12.5 },
    };
    const { text } = await encode([tracking]);
    expect(text).toBe(
      '{"kind":"tracking","contextKind":"user","userKey":"u1","creationDate":1617970547,"key":"checkout","evaluationContext":{"plan":"pro","targetingKey":"u1"},"trackingEventDetails":{"amount":12.5}}\n',
    );
  });

  it('reports events it cannot serialise (BigInt, cycle, function, symbol) and writes the rest', async () => {
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    const { text, invalid } = await encode([
      goffEvent({ userKey: 'ok-0' }),
      goffEvent({ value: 10n }),
      goffEvent({ value: cycle }),
      goffEvent({ userKey: 'ok-3' }),
      goffEvent({ value: () => 1 }),
      goffEvent({ metadata: { big: 1n } }),
      goffEvent({ value: Symbol('s') }),
      goffEvent({ userKey: 'ok-7' }),
    ]);
    expect(invalid.map((i) => i.index)).toEqual([1, 2, 4, 5, 6]);
    for (const { error } of invalid) expect(error).toBeInstanceOf(Error);
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).userKey),
    ).toEqual(['ok-0', 'ok-3', 'ok-7']);
  });

  it('rejects a creationDate that is not integer seconds rather than writing a wrong date', () => {
    expect(() => featureEventJson(goffEvent({ creationDate: 1617970547.5 }))).toThrow(/creationDate/);
  });

  it('streams a large batch in several chunks without splitting or losing lines', async () => {
    const events = Array.from({ length: 20_000 }, (_, i) =>
      goffEvent({ userKey: `user-${i}`, value: 'x'.repeat(40) }),
    );
    const chunks: Uint8Array[] = [];
    for await (const chunk of jsonLines().encode(events, () => {})) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.at(-1)).toBe(0x0a);
    const lines = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(20_000);
    expect(JSON.parse(lines[12_345]!).userKey).toBe('user-12345');
  });

  it('encodes nothing for an empty batch', async () => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of jsonLines().encode([], () => {})) chunks.push(chunk);
    expect(chunks).toEqual([]);
  });
});
