import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { csv } from './csv.js';
import { type Format, isFormat } from './format.js';
import { jsonLines } from './json-lines.js';

/** What a `format` option takes: a name (any case, as GO Feature Flag) or a Format value. */
export type FormatOption = 'json' | 'csv' | 'parquet' | (string & {}) | Format;

/** GO Feature Flag's format settings, read with `format` by resolveFormat. */
export interface FormatSettings {
  /** A custom `{{ .Field}}` CSV line template (format `csv`); unknown fields are an error. */
  csvTemplate?: string;
  /** GO Feature Flag's `parquetCompressionCodec`, passed to `parquet({ compression })`. */
  parquetCompressionCodec?: string;
}

/**
 * The folders the application resolves its packages from: its main script's (node resolves from
 * the script's real path, wherever the process was started: systemd, PM2, cron, a Docker WORKDIR),
 * then the working directory (a REPL, `node -e`, a bundler's runner).
 */
function applicationFolders(): string[] {
  const folders: string[] = [];
  const main = process.argv[1];
  if (main) {
    try {
      folders.push(dirname(realpathSync(resolve(main))));
    } catch {
      // Not a file (`node -e`, a REPL): the working directory serves.
    }
  }
  const cwd = process.cwd();
  if (!folders.includes(cwd)) folders.push(cwd);
  return folders;
}

/**
 * Loads an optional package as the application would resolve it: core depends on none. Undefined
 * when it is not installed; `searched` gets the folders looked from.
 */
function loadOptional(name: string, searched: string[]): unknown {
  for (const folder of applicationFolders()) {
    searched.push(folder);
    const require = createRequire(join(folder, 'noop.js'));
    try {
      require.resolve(name);
    } catch {
      continue;
    }
    // Installed: a failure to load it is its own error, not a missing package.
    return require(name);
  }
  return undefined;
}

/**
 * The Format for a `format` option: a Format value as is, `'json'` (default), `'csv'` (with
 * `csvTemplate`) or `'parquet'` (any case; loads `@ff/exporter-parquet` as the application would,
 * with `parquetCompressionCodec`). Throws, naming the option, for anything else.
 */
export function resolveFormat(format: FormatOption | undefined, settings: FormatSettings = {}): Format {
  if (isFormat(format)) return format;
  const name = (format ?? 'json').toString().toLowerCase();
  if (name === 'json') return jsonLines();
  if (name === 'csv')
    return csv(settings.csvTemplate === undefined ? {} : { template: settings.csvTemplate });
  if (name === 'parquet') {
    const searched: string[] = [];
    const parquet = (
      loadOptional('@ff/exporter-parquet', searched) as { parquet?: (o: object) => Format } | undefined
    )?.parquet;
    if (!parquet) {
      throw new TypeError(
        `format 'parquet' needs the @ff/exporter-parquet package (not found from ${searched.join(' nor ')}): npm install @ff/exporter-parquet, or pass format: parquet() imported from it`,
      );
    }
    const codec = settings.parquetCompressionCodec;
    return parquet(codec === undefined ? {} : { compression: codec });
  }
  throw new TypeError(`format must be 'json', 'csv', 'parquet' or a Format value, got '${String(format)}'`);
}
