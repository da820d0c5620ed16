import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { ConfigError } from './config-error.js';
import { isMap } from './keys.js';

/** What `createExporter` takes: a YAML file's path, a YAML (or JSON) string, or the parsed object. */
export type ConfigSource = string | Record<string, unknown>;

export interface ReadConfig {
  document: Record<string, unknown>;
  /** The file read, when the source named one. */
  file?: string;
}

/** A string naming an existing file (no newline) is read as a path, relative to `cwd`; any other string is YAML. */
export function readConfig(source: ConfigSource, cwd: string): ReadConfig {
  if (isMap(source)) return { document: source };
  if (typeof source !== 'string') {
    throw new ConfigError([
      `the exporter config must be a YAML file path, a YAML string or an object, got ${describe(source)}`,
    ]);
  }
  const file = source.includes('\n') ? undefined : existingFile(resolve(cwd, source.trim()));
  const text = file === undefined ? source : readFileSync(file, 'utf8');
  const from = file === undefined ? '' : ` in ${file}`;
  let document: unknown;
  try {
    document = parse(text);
  } catch (err) {
    throw new ConfigError([`cannot parse the exporter config${from}: ${(err as Error).message}`]);
  }
  if (file === undefined && !source.includes('\n') && (typeof document === 'string' || document == null)) {
    // One line that YAML reads as a plain string: meant as a path that is not there.
    throw new ConfigError([`config file '${source}' not found (looked in ${resolve(cwd, source.trim())})`]);
  }
  if (!isMap(document)) {
    throw new ConfigError([`the exporter config${from} must be a YAML map, got ${describe(document)}`]);
  }
  return file === undefined ? { document } : { document, file };
}

function existingFile(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? path : undefined;
  } catch {
    return undefined;
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? `the string '${value}'` : `${typeof value} ${String(value)}`;
}
