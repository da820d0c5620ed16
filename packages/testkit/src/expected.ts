import type { ExportableEvent } from '@ff/exporter-core';

/**
 * Written from GO Feature Flag's rules (DESIGN.md §5), not from core's encoders, so the suite checks
 * core as much as the exporter.
 */

/** GO Feature Flag's default CSV template: no header, `;` separated. */
export const GOFF_CSV_TEMPLATE =
  '{{ .Kind}};{{ .ContextKind}};{{ .UserKey}};{{ .CreationDate}};{{ .Key}};{{ .Variation}};{{ .Value}};{{ .Default}};{{ .Source}}\n';

/** A value as JSON would carry it: nested `undefined`s gone, `undefined` itself `null`. */
function asJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

function nonEmpty(map: Record<string, unknown> | undefined): boolean {
  return map !== undefined && map !== null && Object.keys(map).length > 0;
}

/**
 * The record GO Feature Flag's JSON encoder writes for an event, keys in its order: `contextKind` and
 * `metadata` omitted when empty, `version` always present (`""` when unknown), a missing value `null`.
 */
export function goffJsonRecord(event: ExportableEvent): Record<string, unknown> {
  const record: Record<string, unknown> = { kind: event.kind };
  if (event.contextKind) record.contextKind = event.contextKind;
  record.userKey = event.userKey;
  record.creationDate = event.creationDate;
  record.key = event.key;
  if (event.kind === 'tracking') {
    record.evaluationContext = asJson(event.evaluationContext ?? {});
    record.trackingEventDetails = asJson(event.trackingEventDetails ?? {});
    return record;
  }
  record.variation = event.variation;
  record.value = asJson(event.value);
  record.default = event.default === true;
  record.version = event.version ?? '';
  record.source = event.source;
  if (nonEmpty(event.metadata)) record.metadata = asJson(event.metadata);
  return record;
}

const FIELDS: Record<string, (event: Record<string, unknown>) => unknown> = {
  Kind: (e) => e.kind,
  ContextKind: (e) => e.contextKind ?? '',
  UserKey: (e) => e.userKey,
  CreationDate: (e) => e.creationDate,
  Key: (e) => e.key,
  Variation: (e) => e.variation,
  // An interface{}: Go's text/template prints a nil one as `<no value>` (checked with Go 1.26).
  Value: (e) => e.value ?? '<no value>',
  Default: (e) => e.default,
  // A Go string field: empty, never <nil>, when the flag has no version.
  Version: (e) => (e.kind === 'feature' ? (e.version ?? '') : e.version),
  Source: (e) => e.source,
  Metadata: (e) => e.metadata,
  EvaluationContext: (e) => e.evaluationContext,
  TrackingEventDetails: (e) => e.trackingEventDetails,
  FormattedDate: (e) => new Date(Number(e.creationDate) * 1000).toISOString().replace('.000Z', 'Z'),
};

/**
 * A field as GO Feature Flag's template prints it, unquoted: a missing field empty (Go's zero string),
 * objects and arrays as JSON (theirs prints Go's `map[…]`, which no tool can read).
 */
export function goffCsvText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** One CSV field as written: the text, quoted RFC 4180-style when it holds `;`, `"` or a line break. */
export function goffCsvField(value: unknown): string {
  const text = goffCsvText(value);
  return /[;"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV row GO Feature Flag's template writes for an event (with our quoting), terminator included. */
export function goffCsvRow(event: ExportableEvent, template: string = GOFF_CSV_TEMPLATE): string {
  return template.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (placeholder, name: string) => {
    const field = FIELDS[name];
    if (!field) throw new TypeError(`goffCsvRow: unknown template field ${placeholder}`);
    return goffCsvField(field(event as unknown as Record<string, unknown>));
  });
}
