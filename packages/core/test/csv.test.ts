// Expected lines are what GO Feature Flag writes with the same template (its
// exporter/fileexporter/testdata/*.csv, and Go's text/template run on its FeatureEvent struct with
// TZ=UTC), except where DESIGN §5 asks for better: RFC 4180 quotes around values holding `;`, `"` or a
// line break, and objects in {{ .Value}} written as JSON.
import { describe, expect, it } from 'vitest';
import {
  collect,
  csv,
  DEFAULT_CSV_TEMPLATE,
  type ExportableEvent,
  type FeatureEvent,
  resolveFormat,
  type TrackingEvent,
} from '../src/index.js';

async function encode(events: readonly ExportableEvent[], template?: string) {
  const invalid: number[] = [];
  const format = csv(template === undefined ? {} : { template });
  const body = await collect(format.encode(events, (index) => invalid.push(index)));
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

describe('CSV format (GO Feature Flag csv)', () => {
  it("uses GO Feature Flag's default template", () => {
    expect(DEFAULT_CSV_TEMPLATE).toBe(
      '{{ .Kind}};{{ .ContextKind}};{{ .UserKey}};{{ .CreationDate}};{{ .Key}};{{ .Variation}};{{ .Value}};{{ .Default}};{{ .Source}}\n',
    );
    expect(csv().name).toBe('csv');
    expect(csv().contentType).toBe('text/csv');
  });

  it('writes the same rows as GO Feature Flag with the default template (all_default.csv)', async () => {
    const { text } = await encode([
      goffEvent(),
      goffEvent({ userKey: 'EFGH', creationDate: 1617970701, value: 'YO2' }),
    ]);
    expect(text).toBe(
      'feature;anonymousUser;ABCD;1617970547;random-key;Default;YO;false;SERVER\n' +
        'feature;anonymousUser;EFGH;1617970701;random-key;Default;YO2;false;SERVER\n',
    );
  });

  it('applies a custom template (custom_csv_format.csv)', async () => {
    const { text } = await encode(
      [goffEvent(), goffEvent({ userKey: 'EFGH' })],
      '{{ .Kind}};{{ .ContextKind}}\n',
    );
    expect(text).toBe('feature;anonymousUser\nfeature;anonymousUser\n');
  });

  it('prints like Go: nil value as <no value>, empty strings empty, numbers and booleans plainly', async () => {
    const { text } = await encode([
      goffEvent({ contextKind: 'user', userKey: 'u1', key: 'k', variation: 'on', value: undefined }),
      goffEvent({ contextKind: '', userKey: 'u1', key: 'k', variation: 'on', value: 12.5, default: true }),
      goffEvent({ contextKind: '', userKey: 'u1', key: 'k', variation: 'on', value: 3, default: true }),
      goffEvent({ contextKind: '', userKey: 'u1', key: 'k', variation: 'on', value: null }),
      goffEvent({ value: true }),
    ]);
    expect(text.split('\n')).toEqual([
      'feature;user;u1;1617970547;k;on;<no value>;false;SERVER',
      'feature;;u1;1617970547;k;on;12.5;true;SERVER',
      'feature;;u1;1617970547;k;on;3;true;SERVER',
      'feature;;u1;1617970547;k;on;<no value>;false;SERVER',
      'feature;anonymousUser;ABCD;1617970547;random-key;Default;true;false;SERVER',
      '',
    ]);
  });

  it("prints numbers as Go's text/template: whole numbers as ints, others as float64 %v", async () => {
    // Go: fmt.Sprint(int(1000000)), and fmt.Sprint(float64(x)) for the others.
    const values = [1000000, 12.5, -0.25, 0.0001, 0.00001, 1234567.5, 1.5e-7, 123456.5];
    const { text } = await encode(
      values.map((value, i) => goffEvent({ key: `n${i}`, value })),
      '{{ .Value}}\n',
    );
    expect(text.split('\n').slice(0, -1)).toEqual([
      '1000000',
      '12.5',
      '-0.25',
      '0.0001',
      '1e-05',
      '1.2345675e+06',
      '1.5e-07',
      '123456.5',
    ]);
  });

  it('supports {{ .FormattedDate}} (RFC 3339 of creationDate) and {{ .Version}}', async () => {
    const { text } = await encode(
      [goffEvent({ key: 'k', value: undefined }), goffEvent({ key: 'k', version: '127', value: 'x' })],
      '{{ .FormattedDate}};{{ .Key}};{{ .Version}};{{ .Value}}\n',
    );
    expect(text).toBe('2021-04-09T12:15:47Z;k;;<no value>\n2021-04-09T12:15:47Z;k;127;x\n');
  });

  it('accepts {{.Field}} without spaces and literal text around fields', async () => {
    const { text } = await encode([goffEvent()], '[{{.Kind}}] user="{{ .UserKey }}"\n');
    expect(text).toBe('[feature] user="ABCD"\n');
  });

  it('quotes, RFC 4180-style, exactly the values holding ; " or a line break', async () => {
    const { text } = await encode(
      [
        goffEvent({ value: 'a;b' }),
        goffEvent({ value: 'say "hi"' }),
        goffEvent({ value: 'line1\nline2' }),
        goffEvent({ value: 'cr\rhere' }),
        goffEvent({ value: 'a,b c' }),
        goffEvent({ userKey: 'x;y' }),
      ],
      '{{ .UserKey}};{{ .Value}}\n',
    );
    expect(text).toBe(
      'ABCD;"a;b"\n' +
        'ABCD;"say ""hi"""\n' +
        'ABCD;"line1\nline2"\n' +
        'ABCD;"cr\rhere"\n' +
        'ABCD;a,b c\n' +
        '"x;y";YO\n',
    );
  });

  it('writes objects and arrays in {{ .Value}} and {{ .Metadata}} as JSON (quoted when they hold quotes)', async () => {
    const { text } = await encode(
      [goffEvent({ value: { a: 1, b: 'x' }, metadata: { env: 'prod' } }), goffEvent({ value: [1, 2] })],
      '{{ .Value}};{{ .Metadata}}\n',
    );
    expect(text).toBe('"{""a"":1,""b"":""x""}";"{""env"":""prod""}"\n[1,2];\n');
  });

  it('writes tracking events with their own fields', async () => {
    const tracking: TrackingEvent = {
      kind: 'tracking',
      contextKind: 'user',
      userKey: 'u1',
      creationDate: 1617970547,
      key: 'checkout',
      evaluationContext: { plan: 'pro' },
      trackingEventDetails: { amount: 3 },
    };
    const { text } = await encode(
      [tracking],
      '{{ .Kind}};{{ .Key}};{{ .EvaluationContext}};{{ .TrackingEventDetails}}\n',
    );
    expect(text).toBe('tracking;checkout;"{""plan"":""pro""}";"{""amount"":3}"\n');
  });

  it('reports the events it cannot serialise and writes the rest', async () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const { text, invalid } = await encode([
      goffEvent({ userKey: 'a' }),
      goffEvent({ value: cycle }),
      goffEvent({ value: () => 1 }),
      goffEvent({ userKey: 'b' }),
    ]);
    expect(invalid).toEqual([1, 2]);
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((line) => line.split(';')[2]),
    ).toEqual(['a', 'b']);
  });

  it.each(['{{ .Foo}}', '{{ .kind}}', '{{ Kind }}', '{{ .Kind}};{{ .Value.Nested}}'])(
    'refuses the template %j at construction, naming csvTemplate and the field',
    (template) => {
      expect(() => csv({ template })).toThrow(TypeError);
      expect(() => csv({ template })).toThrow(/csvTemplate/);
      expect(() => resolveFormat('csv', { csvTemplate: template })).toThrow(/csvTemplate/);
    },
  );

  it('refuses an empty template', () => {
    expect(() => csv({ template: '' })).toThrow(/csvTemplate/);
  });
});

describe('format names (DESIGN §5: case-insensitive)', () => {
  it.each([
    ['json', 'json'],
    ['JSON', 'json'],
    ['Csv', 'csv'],
    [undefined, 'json'],
  ])('%s resolves to %s', (name, expected) => {
    expect(resolveFormat(name).name).toBe(expected);
  });

  it('passes csvTemplate to the csv format', async () => {
    const format = resolveFormat('CSV', { csvTemplate: '{{ .Key}}\n' });
    const body = await collect(format.encode([goffEvent()], () => {}));
    expect(body.toString()).toBe('random-key\n');
  });

  it('takes a Format value as it is', () => {
    const format = csv({ template: '{{ .Key}}\n' });
    expect(resolveFormat(format)).toBe(format);
  });

  it('refuses an unknown format, naming the option', () => {
    expect(() => resolveFormat('xml')).toThrow(/format.*'xml'/);
  });
});
