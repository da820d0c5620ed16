import { hostname } from 'node:os';

/** GO Feature Flag's default file name template. */
export const DEFAULT_FILENAME = 'flag-variation-{{ .Hostname}}-{{ .Timestamp}}.{{ .Format}}';

const NAME_PLACEHOLDERS = ['Hostname', 'Timestamp', 'Format', 'BatchId'] as const;
const DATE_PLACEHOLDERS = ['Year', 'Month', 'Day', 'Hour', 'Date'] as const;
type DatePlaceholder = (typeof DATE_PLACEHOLDERS)[number];
const PLACEHOLDER = /\{\{\s*(.*?)\s*\}\}/g;

const list = (names: readonly string[]) => names.map((p) => `{{ .${p}}}`).join(', ');

function refuseEscape(option: string, value: string): void {
  if (value.startsWith('/') || value.startsWith('\\') || value.split(/[/\\]/).includes('..')) {
    throw new TypeError(
      `${option} '${value}' would escape the output location: use a relative name without '..'`,
    );
  }
}

/** The field names of a template's placeholders, each checked against `allowed`. */
function placeholders(option: string, template: string, allowed: readonly string[], hint = ''): string[] {
  const names: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = /^\.(\w+)$/.exec(match[1] ?? '')?.[1];
    if (name === undefined || !allowed.includes(name)) {
      throw new TypeError(`${option}: unknown placeholder '${match[0]}'; use ${list(allowed)}${hint}`);
    }
    names.push(name);
  }
  return names;
}

/** `a//b/` → `a/b`: keys never hold an empty segment, and never start or end with a slash. */
function tidySlashes(value: string): string {
  return value.replace(/[/\\]{2,}/g, '/').replace(/^[/\\]+|[/\\]+$/g, '');
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const DATE_FIELDS: Record<DatePlaceholder, (d: Date) => string> = {
  Year: (d) => pad(d.getUTCFullYear(), 4),
  Month: (d) => pad(d.getUTCMonth() + 1),
  Day: (d) => pad(d.getUTCDate()),
  Hour: (d) => pad(d.getUTCHours()),
  Date: (d) => `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
};

/** Unix seconds of year 0 and of the end of year 9999: a partition path has four-digit years. */
const MIN_SECONDS = Date.UTC(0, 0, 1) / 1000;
const MAX_SECONDS = Date.UTC(10_000, 0, 1) / 1000 - 1;

export interface ObjectNameOptions {
  /** A template with {{ .Hostname}}, {{ .Timestamp}} (unix seconds), {{ .Format}}, {{ .BatchId}}. */
  filename?: string;
  /**
   * A folder (object key prefix) to put the objects in, joined with `/`, never a leading or doubled
   * slash. May hold {{ .Year}}, {{ .Month}}, {{ .Day}}, {{ .Hour}} (zero-padded) and {{ .Date}}
   * (YYYY-MM-DD), filled from each event's creationDate in UTC: one folder per partition.
   */
  path?: string;
  /** The format's name, e.g. `json`. */
  format: string;
  /** Appended to every name, after the template: `.gz` for gzip-compressed objects. */
  suffix?: string;
}

/**
 * Names each batch's objects, once, when the batch is cut (from its id and cut time), so retries
 * reuse them. Where the template has no unique part ({{ .BatchId}}), the batch id goes before the
 * extension: two batches never share a name, even from two processes in the same second. A path
 * with date placeholders makes one partition per distinct rendered path; a batch writes one object
 * in each partition its events fall in.
 */
export class ObjectNamer {
  /** True when the path has date placeholders: events are grouped by `partition()`. */
  readonly partitioned: boolean;
  readonly #filename: (batchId: string, timestamp: number) => string;
  readonly #path: (date: Date) => string;
  /** Partition paths by hour since the epoch: a partition is a function of the hour, at most. */
  readonly #byHour = new Map<number, string>();

  constructor(options: ObjectNameOptions) {
    const template = options.filename ?? DEFAULT_FILENAME;
    if (typeof template !== 'string' || template.trim() === '') {
      throw new TypeError(`filename must be a non-empty template, got '${String(template)}'`);
    }
    const dateHint = DATE_PLACEHOLDERS.some((p) => new RegExp(`\\{\\{\\s*\\.${p}\\s*\\}\\}`).test(template))
      ? ` (date placeholders go in path)`
      : '';
    placeholders('filename', template, NAME_PLACEHOLDERS, dateHint);
    refuseEscape('filename', template);
    const pathTemplate = options.path ?? '';
    if (typeof pathTemplate !== 'string') {
      throw new TypeError(`path must be a string (a folder or key prefix), got ${String(pathTemplate)}`);
    }
    const prefix = tidySlashes(pathTemplate);
    if (prefix !== '') refuseEscape('path', prefix);
    const dateFields = placeholders('path', prefix, DATE_PLACEHOLDERS);
    this.partitioned = dateFields.length > 0;
    this.#path = (date) =>
      prefix.replace(PLACEHOLDER, (_, field: string) => DATE_FIELDS[field.slice(1) as DatePlaceholder](date));

    const suffix = options.suffix ?? '';
    const unique = /\{\{\s*\.BatchId\s*\}\}/.test(template);
    const host = hostname();
    const name = tidySlashes(template);
    this.#filename = (batchId, timestamp) => {
      let rendered = name.replace(PLACEHOLDER, (_, field: string) => {
        switch (field.slice(1)) {
          case 'Hostname':
            return host;
          case 'Timestamp':
            return String(timestamp);
          case 'Format':
            return options.format;
          default:
            return batchId;
        }
      });
      if (!unique) rendered = beforeExtension(rendered, `-${batchId}`);
      return rendered + suffix;
    };
  }

  /**
   * The partition (rendered path) of an event created at `creationDate` (unix seconds), or undefined
   * when that is not an integer number of seconds in years 0 to 9999. Without date placeholders,
   * every event is in the one partition: the path.
   */
  partition(creationDate: unknown): string | undefined {
    if (!this.partitioned) return this.#path(new Date(0));
    if (!Number.isSafeInteger(creationDate)) return undefined;
    const seconds = creationDate as number;
    if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) return undefined;
    const hour = Math.floor(seconds / 3600);
    let path = this.#byHour.get(hour);
    if (path === undefined) {
      // Bounded: a batch spans few hours, but a long-lived exporter sees many.
      if (this.#byHour.size >= 1024) this.#byHour.clear();
      path = this.#path(new Date(hour * 3_600_000));
      this.#byHour.set(hour, path);
    }
    return path;
  }

  /**
   * The object name of a batch cut at `createdAt` (epoch ms), in `partition` (from `partition()`;
   * required when the path has date placeholders).
   */
  name(batchId: string, createdAt: number, partition?: string): string {
    if (partition === undefined) {
      if (this.partitioned) {
        throw new TypeError('this path has date placeholders: name() needs the partition of an event');
      }
      partition = this.#path(new Date(0));
    }
    const file = this.#filename(batchId, Math.floor(createdAt / 1000));
    return partition === '' ? file : `${partition}/${file}`;
  }
}

function beforeExtension(name: string, insert: string): string {
  const base = name.lastIndexOf('/') + 1;
  const dot = name.lastIndexOf('.');
  return dot > base ? name.slice(0, dot) + insert + name.slice(dot) : name + insert;
}
