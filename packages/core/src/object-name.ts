import { hostname } from 'node:os';

/** GO Feature Flag's default file name template. */
export const DEFAULT_FILENAME = 'flag-variation-{{ .Hostname}}-{{ .Timestamp}}.{{ .Format}}';

const PLACEHOLDERS = ['Hostname', 'Timestamp', 'Format', 'BatchId'] as const;
const PLACEHOLDER = /\{\{\s*(.*?)\s*\}\}/g;

function refuseEscape(option: string, value: string): void {
  if (value.startsWith('/') || value.startsWith('\\') || value.split(/[/\\]/).includes('..')) {
    throw new TypeError(
      `${option} '${value}' would escape the output location: use a relative name without '..'`,
    );
  }
}

export interface ObjectNameOptions {
  /** A template with {{ .Hostname}}, {{ .Timestamp}} (unix seconds), {{ .Format}}, {{ .BatchId}}. */
  filename?: string;
  /** A folder (object key prefix) to put the objects in; joined with `/`, never a leading slash. */
  path?: string;
  /** The format's name, e.g. `json`. */
  format: string;
}

/**
 * Names each batch's object, once, when the batch is cut (from its id and cut time), so retries
 * reuse it. Where the template has no unique part ({{ .BatchId}}), the batch id goes before the
 * extension: two batches never share a name, even from two processes in the same second.
 */
export class ObjectNamer {
  readonly #render: (batchId: string, timestamp: number) => string;

  constructor(options: ObjectNameOptions) {
    const template = options.filename ?? DEFAULT_FILENAME;
    if (typeof template !== 'string' || template.trim() === '') {
      throw new TypeError(`filename must be a non-empty template, got '${String(template)}'`);
    }
    for (const match of template.matchAll(PLACEHOLDER)) {
      const name = /^\.(\w+)$/.exec(match[1] ?? '')?.[1];
      if (!PLACEHOLDERS.includes(name as (typeof PLACEHOLDERS)[number])) {
        throw new TypeError(
          `filename: unknown placeholder '${match[0]}'; use ${PLACEHOLDERS.map((p) => `{{ .${p}}}`).join(', ')}`,
        );
      }
    }
    refuseEscape('filename', template);
    const prefix = (options.path ?? '').replace(/^[/\\]+|[/\\]+$/g, '');
    if (prefix !== '') refuseEscape('path', prefix);
    const unique = /\{\{\s*\.BatchId\s*\}\}/.test(template);
    const host = hostname();
    this.#render = (batchId, timestamp) => {
      let name = template.replace(PLACEHOLDER, (_, field: string) => {
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
      if (!unique) name = beforeExtension(name, `-${batchId}`);
      return prefix === '' ? name : `${prefix}/${name}`;
    };
  }

  /** The object name of a batch cut at `createdAt` (epoch ms). */
  name(batchId: string, createdAt: number): string {
    return this.#render(batchId, Math.floor(createdAt / 1000));
  }
}

function beforeExtension(name: string, insert: string): string {
  const base = name.lastIndexOf('/') + 1;
  const dot = name.lastIndexOf('.');
  return dot > base ? name.slice(0, dot) + insert + name.slice(dot) : name + insert;
}
