import { describe, expect, it } from 'vitest';
import {
  edgeCaseEvents,
  edgeCaseGroups,
  goffCsvRow,
  goffJsonRecord,
  parseCsv,
  parseJsonLines,
  sampleEvents,
  unserialisableBatch,
} from '../src/index.js';

describe('parseCsv', () => {
  it('reads RFC 4180 quoting: separators, doubled quotes and line breaks inside quoted fields', () => {
    const text = 'a;"b;c";"say ""hi""";"two\nlines";;end\r\nx;"";y\n';
    expect(parseCsv(text)).toEqual([
      ['a', 'b;c', 'say "hi"', 'two\nlines', '', 'end'],
      ['x', '', 'y'],
    ]);
  });

  it('reads a last record without a line break, and other separators', () => {
    expect(parseCsv('a,b\nc,d', { separator: ',' })).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('refuses what an unquoting writer produces', () => {
    expect(() => parseCsv('a;say "hi";b\n')).toThrow(/record 1: a quote inside an unquoted field/);
    expect(() => parseCsv('a;"open\n')).toThrow(/unterminated quoted field/);
    expect(() => parseCsv('a;"x"y;b\n')).toThrow(/text after a closing quote/);
  });

  it('refuses invalid UTF-8', () => {
    expect(() => parseCsv(new Uint8Array([0x61, 0xe2, 0x82]))).toThrow();
  });
});

describe('parseJsonLines', () => {
  it('reads one value per line, the last line break optional', () => {
    expect(parseJsonLines('{"a":1}\n[2]\n"three"')).toEqual([{ a: 1 }, [2], 'three']);
    expect(parseJsonLines(Buffer.from('{"a":"é"}\n'))).toEqual([{ a: 'é' }]);
    expect(parseJsonLines('')).toEqual([]);
  });

  it('names the line that is not JSON, or empty', () => {
    expect(() => parseJsonLines('{"a":1}\n{"a":\n')).toThrow(/line 2 is not JSON/);
    expect(() => parseJsonLines('{"a":1}\n\n{"a":2}\n')).toThrow(/line 2 is empty/);
  });
});

describe('event helpers', () => {
  it('sampleEvents is deterministic and unique per seed', () => {
    expect(sampleEvents(50, { seed: 2 })).toEqual(sampleEvents(50, { seed: 2 }));
    const keys = new Set(
      [...sampleEvents(1000, { seed: 1 }), ...sampleEvents(1000, { seed: 2 })].map((e) => e.userKey),
    );
    expect(keys.size).toBe(2000);
    expect(sampleEvents(3, { kind: 'tracking' }).every((e) => e.kind === 'tracking')).toBe(true);
  });

  it('edgeCaseEvents covers every group, deterministically, with unique user keys', () => {
    const events = edgeCaseEvents();
    expect(events.length).toBe(edgeCaseGroups().reduce((n, g) => n + g.events.length, 0));
    expect(new Set(events.map((e) => e.userKey)).size).toBe(events.length);
    expect(edgeCaseEvents()).toEqual(events);
    const megabyte = events.find((e) => e.userKey === 'megabyte');
    expect((megabyte as { value: string }).value.length).toBe(1_048_576);
  });

  it('unserialisableBatch marks the events JSON cannot carry', () => {
    const { events, invalid } = unserialisableBatch();
    for (let i = 0; i < events.length; i++) {
      if (invalid.includes(i)) expect(() => JSON.stringify(events[i])).toThrow();
      else expect(() => JSON.stringify(events[i])).not.toThrow();
    }
  });
});

describe("GO Feature Flag's output rules", () => {
  it('goffJsonRecord: their key order, version always, contextKind and metadata only when set', () => {
    const record = goffJsonRecord({
      kind: 'feature',
      contextKind: '',
      userKey: 'u',
      creationDate: 1,
      key: 'k',
      variation: 'v',
      value: undefined,
      default: false,
      source: 'SERVER',
      metadata: {},
    });
    expect(Object.keys(record)).toEqual([
      'kind',
      'userKey',
      'creationDate',
      'key',
      'variation',
      'value',
      'default',
      'version',
      'source',
    ]);
    expect(record).toMatchObject({ value: null, version: '' });
  });

  it('goffCsvRow: their default template, `<no value>` for a nil value, quoting only where theirs would corrupt the row', () => {
    const base = {
      kind: 'feature' as const,
      contextKind: 'user',
      userKey: 'u',
      creationDate: 1700000000,
      key: 'k',
      variation: 'v',
      default: false,
      version: '1',
      source: 'SERVER',
    };
    expect(goffCsvRow({ ...base, value: true })).toBe('feature;user;u;1700000000;k;v;true;false;SERVER\n');
    expect(goffCsvRow({ ...base, value: null })).toBe(
      'feature;user;u;1700000000;k;v;<no value>;false;SERVER\n',
    );
    expect(goffCsvRow({ ...base, value: { a: 'x;y' } })).toBe(
      'feature;user;u;1700000000;k;v;"{""a"":""x;y""}";false;SERVER\n',
    );
    expect(goffCsvRow({ ...base, value: 'a,b' }, '{{ .Key}},{{ .Value}},{{ .Version}}\n')).toBe('k,a,b,1\n');
  });
});
