import type { ExportableEvent } from '../events.js';
import { encodeLines } from './chunks.js';
import type { Format } from './format.js';

/** GO Feature Flag's default CSV template: no header, `;` separated. */
export const DEFAULT_CSV_TEMPLATE =
  '{{ .Kind}};{{ .ContextKind}};{{ .UserKey}};{{ .CreationDate}};{{ .Key}};{{ .Variation}};{{ .Value}};{{ .Default}};{{ .Source}}\n';

type Field = (event: ExportableEvent) => unknown;

const get =
  (key: string): Field =>
  (event) =>
    (event as unknown as Record<string, unknown>)[key];

/** The `{{ .Field}}` names a template may use: the Go struct's field names, plus FormattedDate. */
const FIELDS: Record<string, Field> = {
  Kind: get('kind'),
  ContextKind: get('contextKind'),
  UserKey: get('userKey'),
  CreationDate: get('creationDate'),
  Key: get('key'),
  Variation: get('variation'),
  // An interface{} in Go: text/template prints a nil one as `<no value>` (checked with Go 1.26).
  Value: (event) => (event as { value?: unknown }).value ?? '<no value>',
  Default: get('default'),
  Version: get('version'),
  Source: get('source'),
  Metadata: get('metadata'),
  EvaluationContext: get('evaluationContext'),
  TrackingEventDetails: get('trackingEventDetails'),
  FormattedDate: (event) => new Date(event.creationDate * 1000).toISOString().replace('.000Z', 'Z'),
};

/**
 * A field as Go's text/template prints it (a missing string field is empty), except objects and
 * arrays, written as JSON. Values holding `;`, `"` or a line break are quoted RFC 4180-style: theirs
 * would corrupt the row.
 */
function text(value: unknown): string {
  let out: string;
  if (value === null || value === undefined) out = '';
  else if (typeof value === 'object') out = JSON.stringify(value);
  // A BigInt fails here as in JSON and Parquet, so every format counts the same events as failed.
  else if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint')
    throw new TypeError(`a ${typeof value} value cannot be serialised`);
  else if (typeof value === 'number') out = goNumber(value);
  else out = String(value);
  return /[;"\r\n]/.test(out) ? `"${out.replaceAll('"', '""')}"` : out;
}

/**
 * A number as Go's text/template prints it. Integers print as Go ints (YAML flag files decode whole
 * numbers to int); other numbers as a float64 with `%v`: the shortest digits, in exponent form
 * (`1e-05`, `1.2345675e+06`) when the decimal exponent is below -4 or 6 and above.
 */
export function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
  const [mantissa, exponent] = n.toExponential().split('e') as [string, string];
  const exp = Number(exponent);
  if (exp >= -4 && exp < 6) return String(n);
  return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

const PLACEHOLDER = /\{\{\s*(.*?)\s*\}\}/g;

/** Compiles a `{{ .Field}}` template into a line function; unknown fields throw here, at construction. */
export function compileCsvTemplate(template: string): (event: ExportableEvent) => string {
  if (typeof template !== 'string' || template === '') {
    throw new TypeError(`csvTemplate must be a non-empty string, got ${String(template)}`);
  }
  const literals: string[] = [];
  const fields: Field[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = /^\.(\w+)$/.exec(match[1] ?? '')?.[1];
    const field = name === undefined ? undefined : FIELDS[name];
    if (!field) {
      throw new TypeError(
        `csvTemplate: unknown field '${match[0]}'; use {{ .Field}} with one of ${Object.keys(FIELDS).join(', ')}`,
      );
    }
    literals.push(template.slice(last, match.index));
    fields.push(field);
    last = match.index + match[0].length;
  }
  const tail = template.slice(last);
  return (event) => {
    let line = '';
    for (let i = 0; i < fields.length; i++) line += literals[i] + text(fields[i]!(event));
    return line + tail;
  };
}

/** GO Feature Flag's `csv` format, with the default or a custom `{{ .Field}}` template. */
export function csv(options: { template?: string } = {}): Format {
  const line = compileCsvTemplate(options.template ?? DEFAULT_CSV_TEMPLATE);
  return {
    name: 'csv',
    contentType: 'text/csv',
    encode: (events, onInvalid) => encodeLines(events, line, onInvalid),
  };
}
