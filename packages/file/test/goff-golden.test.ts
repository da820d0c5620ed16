import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataExporter, type FeatureEvent, silentLogger } from '@ff/exporter-core';
import { describe, expect, it } from 'vitest';
import { FileExporter } from '../src/index.js';

// Golden files written by GO Feature Flag's own file exporter (v1.55.2) from the same events; see
// fixtures/goff-writer/main.go, which regenerates them:
//   cd packages/file/test/fixtures/goff-writer && go run . ../goff-events.json ..
const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const events = JSON.parse(fixture('goff-events.json')) as FeatureEvent[];
const goffJson = fixture('goff-output.json');
const goffCsv = fixture('goff-output.csv');

async function exportAll(format: string) {
  const outputDir = mkdtempSync(join(tmpdir(), `ff-golden-${format}-`));
  const data = new DataExporter({
    exporter: new FileExporter({ outputDir, format }),
    logger: silentLogger,
    exportAtExit: false,
  });
  for (const event of events) data.add(event);
  await data.close();
  expect(data.stats()).toMatchObject({
    received: events.length,
    exported: events.length,
    failed: 0,
    pending: 0,
  });
  const files = readdirSync(outputDir);
  expect(files).toHaveLength(1);
  return readFileSync(join(outputDir, files[0]!), 'utf8');
}

/** Every object key of a JSON text, nested ones included, in the order they are written (not JSON.parse's order). */
function keysInOrder(json: string): string[] {
  const keys: string[] = [];
  const token = /"(?:[^"\\]|\\.)*"|[{}[\],:]|[^\s{}[\],:"]+/g;
  let previous: string | undefined;
  for (const [t] of json.matchAll(token)) {
    if (t === ':' && previous?.startsWith('"')) keys.push(JSON.parse(previous) as string);
    previous = t;
  }
  return keys;
}

/** Go's encoding/json escapes `<`, `>`, `&`, U+2028 and U+2029 inside strings; this undoes only that. */
const unescapeGo = (line: string) =>
  line.replace(/\\u(003c|003e|0026|2028|2029)/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );

/** Splits a CSV text into one record per event: a value holding a line break spans several lines. */
function records(text: string): string[] {
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  const out = events.map((event) => {
    const breaks = Object.values(event).filter((v) => typeof v === 'string' && v.includes('\n'));
    const span = 1 + breaks.reduce((n, v) => n + (v as string).split('\n').length - 1, 0);
    return `${lines.splice(0, span).join('\n')}\n`;
  });
  expect(lines).toEqual([]);
  return out;
}

/** RFC 4180 quoting, only where DESIGN §5 wants it: values holding `;`, `"`, CR or LF. */
const quote = (field: string) => (/[;"\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field);

/** The fields of one of our records (`;`-separated, RFC 4180-quoted). */
function parseRecord(record: string): string[] {
  expect(record.endsWith('\n')).toBe(true);
  const fields: string[] = [];
  const field = /"((?:[^"]|"")*)"(;|\n$)|([^;"\r\n]*)(;|\n$)/y;
  while (field.lastIndex < record.length) {
    const match = field.exec(record);
    if (!match) throw new Error(`not an RFC 4180 record at ${field.lastIndex}: ${JSON.stringify(record)}`);
    fields.push(match[1] === undefined ? match[3]! : match[1].replaceAll('""', '"'));
  }
  return fields;
}

/** Non-integer numbers whose Go `%v` form is not JavaScript's: ours prints them as Go does. */
const GO_FLOAT: Record<string, string> = { tiny: '1e-05' };

/** The default template's fields as DESIGN §5 and decision 005 define ours (before quoting). */
function ourFields(event: FeatureEvent): string[] {
  const value = event.value;
  const valueText =
    value === null || value === undefined
      ? '<no value>' // Go's text/template prints a nil interface{} so.
      : typeof value === 'object'
        ? JSON.stringify(value) // Objects and arrays as JSON (theirs: Go's %v).
        : (GO_FLOAT[event.key] ?? String(value)); // Non-integers as Go's %v prints a float64.
  const text = (v: unknown) => (v === undefined ? '' : String(v));
  return [
    text(event.kind),
    text(event.contextKind),
    text(event.userKey),
    text(event.creationDate),
    text(event.key),
    text(event.variation),
    valueText,
    text(event.default),
    text(event.source),
  ];
}

/**
 * Where GO Feature Flag prints `{{ .Value}}` differently from ours, by flag key: exactly what their
 * golden file holds. Every other Value prints the same on both sides.
 */
const GOFF_VALUE: Record<string, { goff: string; why: string }> = {
  million: {
    goff: '1e+06',
    why: 'decision 005: a whole number prints as a Go int (YAML flag values); theirs came from JSON, a float64',
  },
  object: {
    goff: 'map[color:red enabled:true limit:10 ratio:0.5 tags:[a b]]',
    why: 'DESIGN §5 / decision 005: objects as JSON, theirs as Go map[...]',
  },
  array: { goff: '[1 two true <nil> map[k:v]]', why: 'decision 005: arrays as JSON, theirs as Go [a b]' },
  'array-no-quotes': { goff: '[1 2.5 3]', why: 'decision 005: arrays as JSON (no `"`, so unquoted)' },
  'object-html': { goff: 'map[msg:<&> n:-3]', why: 'DESIGN §5: objects as JSON, theirs as Go map[...]' },
};

describe('FileExporter output equals the golden files of GO Feature Flag’s own file exporter', () => {
  it('has fixtures for every event', () => {
    expect(events.length).toBeGreaterThanOrEqual(20);
    expect(goffJson.split('\n')).toHaveLength(events.length + 1);
  });

  it('writes JSON Lines equal to theirs after parsing, with the same keys in the same order', async () => {
    const ours = (await exportAll('json')).split('\n');
    const theirs = goffJson.split('\n');
    expect(ours.pop()).toBe('');
    expect(theirs.pop()).toBe('');
    expect(ours).toHaveLength(theirs.length);
    for (const [i, line] of ours.entries()) {
      const goff = theirs[i]!;
      expect(JSON.parse(line), `event ${i}`).toStrictEqual(JSON.parse(goff));
      expect(keysInOrder(line), `event ${i}`).toEqual(keysInOrder(goff));
      // Byte equality is not required (DESIGN §5), but Go's HTML escaping is the only difference.
      expect(line, `event ${i}`).toBe(unescapeGo(goff));
    }
    // That escaping did occur in theirs, and not in ours.
    const html = events.findIndex((e) => e.key === 'html');
    expect(theirs[html]).toContain('"\\u003cb\\u003eTom \\u0026 Jerry\\u003c/b\\u003e"');
    expect(ours[html]).toContain('"<b>Tom & Jerry</b>"');
  });

  it('writes CSV identical to theirs, except the documented differences, each asserted exactly', async () => {
    const ours = records(await exportAll('csv'));
    const theirs = records(goffCsv);
    const identical: string[] = [];
    const quoted: string[] = [];
    for (const [i, event] of events.entries()) {
      const fields = ourFields(event);
      // Ours: the documented fields, RFC 4180-quoted exactly where a value holds `;`, `"` or a line break.
      expect(parseRecord(ours[i]!), event.key).toEqual(fields);
      expect(ours[i], event.key).toBe(`${fields.map(quote).join(';')}\n`);
      // Theirs: the same fields, unquoted, with Go's own printing of the Value where it differs.
      const differs = GOFF_VALUE[event.key];
      expect(theirs[i], differs ? `${event.key}: ${differs.why}` : event.key).toBe(
        `${fields.with(6, differs?.goff ?? fields[6]!).join(';')}\n`,
      );
      if (ours[i] === theirs[i]) identical.push(event.key);
      else if (!GOFF_VALUE[event.key]) quoted.push(event.key);
    }
    // Rows differing only by our RFC 4180 quoting of a value holding `;`, `"` or a newline.
    expect(quoted).toEqual(['double-quote', 'semicolon', 'newline']);
    // Every other row is byte-identical to theirs (unicode, backslash, `<>&`, nil value, empty fields).
    expect(identical).toEqual(events.map((e) => e.key).filter((k) => !quoted.includes(k) && !GOFF_VALUE[k]));
    expect(identical).toHaveLength(events.length - 3 - Object.keys(GOFF_VALUE).length);
  });

  it('writes a nil value as Go’s text/template does, `<no value>`, on both sides', () => {
    const i = events.findIndex((e) => e.key === 'null');
    expect(events[i]!.value).toBeNull();
    expect(records(goffCsv)[i]).toBe('feature;user;u-13;1767225612;null;nothing;<no value>;false;SERVER\n');
  });
});
