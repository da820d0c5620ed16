import { resolve } from 'node:path';
import * as zlib from 'node:zlib';
import { compileCsvTemplate, meantKey, ObjectNamer, PARQUET_CODECS } from '@ff/exporter-core';
import { ConfigError } from './config-error.js';
import { didYouMean, isMap, normaliseKeys } from './keys.js';
import {
  GOFF_EXPORTER_KEYS,
  KAFKA_KEYS,
  KINDS,
  keysOf,
  NOT_YET_SUPPORTED_KINDS,
  SUPPORTED_KINDS,
  type SupportedKind,
} from './kinds.js';
import { type ConfigSource, readConfig } from './source.js';
import {
  addressList,
  countValue,
  eventTypeValue,
  headerMap,
  InvalidValue,
  stringMap,
  stringValue,
} from './values.js';

/** DataExporter options a config entry sets; absent ones keep the defaults (the exporter's own, then core's). */
export interface PlannedBatching {
  eventType?: 'feature' | 'tracking';
  flushIntervalMs?: number;
  maxEventsInMemory?: number;
  maxPendingEvents?: number;
}

/** One exporter the config asks for, checked, before any exporter package is loaded. */
export interface PlannedExporter {
  /** The DataExporter's name: the kind, or `kind#index` when there are several (`file#0`, `webhook#1`). */
  name: string;
  kind: SupportedKind;
  /** Where it sits in the config: `exporter`, `exporters[1]`, `flagsets[name].exporters[0]`. */
  at: string;
  packageName: string;
  className: string;
  /** Constructor options from the config; `format` is a name here (`parquet` becomes `parquet()` when wired). */
  options: Record<string, unknown>;
  /** With `format: parquet`: what `parquet()` of @ff/exporter-parquet gets. */
  parquet?: { compression: string };
  batching: PlannedBatching;
}

export interface ExporterPlan {
  exporters: PlannedExporter[];
  /** Keys ignored, unknown or not translated, each with where it is. */
  warnings: string[];
  /** The file the config was read from, if any. */
  file?: string;
}

export interface PlanOptions {
  /** Wire this flag set's exporters (`flagsets: [{ name, exporters }]`) instead of the top-level ones. */
  flagSet?: string;
  /** Config file paths and a file exporter's relative `outputDir` are relative to this. Default `process.cwd()`. */
  cwd?: string;
  /** Parquet codecs the application brings compressors for (`createExporter`'s `parquetCompressors`). */
  parquetCompressors?: Readonly<Record<string, unknown>>;
}

const TOP_LEVEL = ['exporter', 'exporters', 'flagsets'];

/** Reads and checks a config: every problem at once (ConfigError), nothing loaded, nothing opened. */
export function planExporters(source: ConfigSource, options: PlanOptions = {}): ExporterPlan {
  const cwd = options.cwd ?? process.cwd();
  const { document, file } = readConfig(source, cwd);
  const warnings: string[] = [];
  const problems: string[] = [];
  const top = normaliseKeys(document, TOP_LEVEL);
  // A relay-proxy file has many other keys (server, retriever, …): only near-misses of ours are worth a word.
  for (const key of top.unknown) {
    const guess = meantKey(key, TOP_LEVEL);
    if (guess !== undefined && guess.toLowerCase() !== key.toLowerCase()) {
      warnings.push(`unknown key "${key}" ignored (did you mean "${guess}"?)`);
    }
  }
  for (const key of top.repeated) problems.push(`"${key}" is given twice, in different cases`);

  let section = top;
  let prefix = '';
  let path = '';
  const flagSets = top.known.get('flagsets');
  if (options.flagSet !== undefined) {
    const sets = Array.isArray(flagSets) ? flagSets.filter(isMap) : [];
    const names = sets.map((set) => String(normaliseKeys(set, ['name']).known.get('name') ?? ''));
    const index = names.indexOf(options.flagSet);
    if (index < 0) {
      const known = names.length === 0 ? 'the config has no flag sets' : `flag sets: ${names.join(', ')}`;
      throw new ConfigError([`flagset ${options.flagSet} not found (${known})`]);
    }
    section = normaliseKeys(sets[index]!, ['exporter', 'exporters', 'name']);
    prefix = `flagset ${options.flagSet}: `;
    path = `flagsets[${options.flagSet}].`;
  }

  const entries: { entry: unknown; at: string; errorPrefix: string }[] = [];
  const single = section.known.get('exporter');
  if (single !== undefined && single !== null)
    entries.push({ entry: single, at: `${path}exporter`, errorPrefix: prefix });
  const list = section.known.get('exporters');
  if (list !== undefined && list !== null && !Array.isArray(list)) {
    problems.push(
      `${prefix}"exporters" must be a list of exporters, got a ${isMap(list) ? 'map' : typeof list}`,
    );
  }
  (Array.isArray(list) ? list : []).forEach((entry, i) => {
    entries.push({
      entry,
      at: `${path}exporters[${i}]`,
      errorPrefix: `${prefix}exporter at index ${i} validation failed: `,
    });
  });
  if (entries.length === 0 && problems.length === 0) {
    const names = Array.isArray(flagSets)
      ? flagSets.filter(isMap).map((set) => String(normaliseKeys(set, ['name']).known.get('name') ?? ''))
      : [];
    throw new ConfigError([
      options.flagSet === undefined && names.length > 0
        ? `the config's exporters are in its flag sets (${names.join(', ')}): name one with { flagSet: name }`
        : `${prefix}no exporter in the config: add "exporter:" (one) or "exporters:" (a list)`,
    ]);
  }

  const exporters: PlannedExporter[] = [];
  for (const { entry, at, errorPrefix } of entries) {
    const entryProblems: string[] = [];
    const planned = planEntry(entry, at, cwd, options, entryProblems, warnings);
    problems.push(...entryProblems.map((problem) => errorPrefix + problem));
    if (planned) exporters.push(planned);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (exporters.length > 1) {
    exporters.forEach((exporter, i) => {
      exporter.name = `${exporter.kind}#${i}`;
    });
  }
  return file === undefined ? { exporters, warnings } : { exporters, warnings, file };
}

const SUPPORTED = `supported kinds: ${SUPPORTED_KINDS.join(', ')}`;

function kindOf(value: unknown, problems: string[]): SupportedKind | undefined {
  const kind = typeof value === 'string' ? value.trim() : '';
  const match = SUPPORTED_KINDS.find((known) => known.toLowerCase() === kind.toLowerCase());
  if (match) return match;
  if ((NOT_YET_SUPPORTED_KINDS as readonly string[]).includes(kind.toLowerCase())) {
    problems.push(
      `invalid exporter: kind "${kind}" is not supported yet by @ff/exporter-config; ${SUPPORTED}`,
    );
  } else if (kind === '') {
    problems.push(`invalid exporter: kind "" is not supported: "kind" is required; ${SUPPORTED}`);
  } else {
    problems.push(
      `invalid exporter: kind "${kind}" is not supported${didYouMean(kind, SUPPORTED_KINDS)}; ${SUPPORTED}`,
    );
  }
  return undefined;
}

function planEntry(
  entry: unknown,
  at: string,
  cwd: string,
  planOptions: PlanOptions,
  problems: string[],
  warnings: string[],
): PlannedExporter | undefined {
  if (!isMap(entry)) {
    problems.push(
      `invalid exporter: expected a map with a "kind", got ${Array.isArray(entry) ? 'a list' : String(entry)}`,
    );
    return undefined;
  }
  const keys = normaliseKeys(entry, [...GOFF_EXPORTER_KEYS, 'maxPendingEvents']);
  const kind = kindOf(keys.known.get('kind'), problems);
  if (kind === undefined) return undefined;
  const spec = KINDS[kind];
  const own = keysOf(kind);
  for (const key of keys.repeated)
    problems.push(`invalid exporter: "${key}" is given twice, in different cases`);
  for (const key of keys.unknown) warnings.push(`${at}: unknown key "${key}" ignored${didYouMean(key, own)}`);
  for (const key of keys.known.keys()) {
    if (!own.includes(key)) warnings.push(`${at}: key "${key}" is not used by kind "${kind}", ignored`);
  }

  const read = <T>(reader: () => T): T | undefined => {
    try {
      return reader();
    } catch (err) {
      if (!(err instanceof InvalidValue)) throw err;
      problems.push(err.message);
      return undefined;
    }
  };
  const values = new Map<string, unknown>();
  if (kind === 'kafka') {
    const kafka = read(() => kafkaSettings(keys.known.get('kafka'), at, warnings));
    for (const [key, value] of Object.entries(kafka ?? {})) values.set(`kafka.${key}`, value);
  }
  const options: Record<string, unknown> = {};
  for (const [key, option] of Object.entries(spec.options)) {
    const raw = key.startsWith('kafka.') ? values.get(key) : keys.known.get(key);
    const value = read(() => {
      if (key === 'meta') return stringMap(key, raw);
      if (key === 'headers') return headerMap(key, raw);
      if (key === 'kafka.addresses') return addressList(key, raw);
      return stringValue(key, raw);
    });
    if (value === undefined) continue;
    options[option] = key === 'outputDir' ? resolve(cwd, value as string) : value;
  }
  const missing = spec.required.filter((key) => options[spec.options[key]!] === undefined);
  if (kind === 'kafka' && missing.length > 0) {
    problems.push(`invalid exporter: "kafka.topic" and "kafka.addresses" are required for kind "kafka"`);
  } else {
    for (const key of missing)
      problems.push(`invalid exporter: no "${key}" property found for kind "${kind}"`);
  }

  const planned: PlannedExporter = {
    name: kind,
    kind,
    at,
    packageName: spec.packageName,
    className: spec.className,
    options,
    batching: {},
  };
  // Checked on every kind, as theirs does.
  const codec = read(() => codecValue(keys.known.get('parquetCompressionCodec')));
  if (spec.blob) read(() => blobOptions(planned, keys.known, codec, planOptions));
  read(() => batchingOptions(planned, keys.known));
  return problems.length > 0 ? undefined : planned;
}

function kafkaSettings(value: unknown, at: string, warnings: string[]): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isMap(value)) {
    throw new InvalidValue(`invalid exporter: "kafka" must be a map with "topic" and "addresses"`);
  }
  const keys = normaliseKeys(value, KAFKA_KEYS);
  for (const key of keys.unknown) {
    warnings.push(`${at}: unknown key "kafka.${key}" ignored${didYouMean(key, KAFKA_KEYS)}`);
  }
  const config = keys.known.get('config');
  if (config !== undefined && config !== null) {
    const names = isMap(config) ? ` (${Object.keys(config).join(', ')})` : '';
    warnings.push(
      `${at}: "kafka.config" holds settings of their Go client (Sarama)${names} and is not translated: ` +
        'give KafkaExporter options (TLS, SASL, compression, …) in createExporter(config, { exporterOptions: { kafka } })',
    );
  }
  return Object.fromEntries(keys.known);
}

function codecValue(value: unknown): string | undefined {
  const codec = stringValue('parquetCompressionCodec', value);
  if (codec === undefined) return undefined;
  const upper = codec.toUpperCase();
  if (!(PARQUET_CODECS as readonly string[]).includes(upper)) {
    throw new InvalidValue(
      `invalid exporter: "parquetCompressionCodec" err: not a valid CompressionCodec string ` +
        `("${codec}"; one of ${PARQUET_CODECS.join(', ')})`,
    );
  }
  return upper;
}

// node:zlib gained zstd in Node.js 22.15 and 23.8; @ff/exporter-parquet uses it from there on.
const hasZstd = typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function';
const EVERYWHERE = 'SNAPPY (the default), GZIP, BROTLI and UNCOMPRESSED work everywhere';

function blobOptions(
  planned: PlannedExporter,
  known: Map<string, unknown>,
  codec: string | undefined,
  planOptions: PlanOptions,
): void {
  const format = (stringValue('format', known.get('format')) ?? 'json').toLowerCase();
  if (format !== 'json' && format !== 'csv' && format !== 'parquet') {
    throw new InvalidValue(
      `invalid exporter: "format" must be JSON, CSV or Parquet (any case), got "${String(known.get('format'))}"`,
    );
  }
  const { options } = planned;
  options.format = format;
  const filename = stringValue('filename', known.get('filename'));
  if (filename !== undefined) options.filename = filename;
  // The same checks the exporter makes at construction, made here so `check` needs no exporter package.
  try {
    new ObjectNamer({ format, ...(filename === undefined ? {} : { filename }), ...pathOf(options) });
  } catch (err) {
    throw new InvalidValue(`invalid exporter: ${(err as Error).message}`);
  }
  // Theirs ignores csvTemplate for other formats (their own examples set one with JSON): so do we.
  const csvTemplate = stringValue('csvTemplate', known.get('csvTemplate'));
  if (format === 'csv' && csvTemplate !== undefined) {
    try {
      compileCsvTemplate(csvTemplate);
    } catch (err) {
      throw new InvalidValue(`invalid exporter: ${(err as Error).message}`);
    }
    options.csvTemplate = csvTemplate;
  }
  if (format !== 'parquet') return;
  const compression = codec ?? 'SNAPPY';
  const brought = planOptions.parquetCompressors ?? {};
  const given = Object.keys(brought).some((key) => key.toUpperCase() === compression);
  if (compression === 'ZSTD' && !hasZstd && !given) {
    throw new InvalidValue(
      `invalid exporter: "parquetCompressionCodec" ZSTD needs Node.js >= 22.15 (node:zlib's zstd; this is ` +
        `${process.version}) or a compressor: createExporter(config, { parquetCompressors: { ZSTD: (bytes) => compressed } }); ` +
        EVERYWHERE,
    );
  }
  if ((compression === 'LZ4' || compression === 'LZ4_RAW' || compression === 'LZO') && !given) {
    throw new InvalidValue(
      `invalid exporter: "parquetCompressionCodec" ${compression} needs a compressor: ` +
        `createExporter(config, { parquetCompressors: { ${compression}: (bytes) => compressed } }); ${EVERYWHERE}`,
    );
  }
  planned.parquet = { compression };
}

function pathOf(options: Record<string, unknown>): { path?: string } {
  return typeof options.path === 'string' ? { path: options.path } : {};
}

function batchingOptions(planned: PlannedExporter, known: Map<string, unknown>): void {
  const batching: PlannedBatching = {};
  const eventType = eventTypeValue('eventType', known.get('eventType'));
  if (eventType !== undefined) batching.eventType = eventType;
  const flushIntervalMs = countValue('flushInterval', known.get('flushInterval'), 'milliseconds');
  if (flushIntervalMs !== undefined) batching.flushIntervalMs = flushIntervalMs;
  const maxEventsInMemory = countValue('maxEventInMemory', known.get('maxEventInMemory'), 'events');
  if (maxEventsInMemory !== undefined) batching.maxEventsInMemory = maxEventsInMemory;
  const maxPendingEvents = countValue('maxPendingEvents', known.get('maxPendingEvents'), 'events');
  if (maxPendingEvents !== undefined) {
    // Kafka's own defaults decide the flush size when the config does not: the exporter checks that case.
    const flushSize = maxEventsInMemory ?? (planned.kind === 'kafka' ? undefined : DEFAULT_MAX_EVENTS);
    if (flushSize !== undefined && maxPendingEvents < flushSize) {
      throw new InvalidValue(
        `invalid exporter: "maxPendingEvents" (${maxPendingEvents}) must be at least "maxEventInMemory" (${flushSize})`,
      );
    }
    batching.maxPendingEvents = maxPendingEvents;
  }
  planned.batching = batching;
}

/** Core's default `maxEventsInMemory`, which is theirs too. */
export const DEFAULT_MAX_EVENTS = 100_000;
