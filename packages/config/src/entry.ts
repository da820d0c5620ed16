import { resolve } from 'node:path';
import { blobOptions, codecValue } from './blob-options.js';
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
import {
  DEFAULT_MAX_EVENTS,
  type PlannedBatching,
  type PlannedExporter,
  type PlanOptions,
} from './planned-exporter.js';
import { translateSarama } from './sarama.js';
import {
  addressList,
  countValue,
  eventTypeValue,
  headerMap,
  InvalidValue,
  stringMap,
  stringValue,
} from './values.js';

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

/** One exporter entry, checked: its problems and warnings go to the lists given. */
export function planEntry(
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
  // Translated Sarama settings (clientId, tls, sasl, compression) first: the config's own keys are theirs.
  const options: Record<string, unknown> = {
    ...read(() => saramaOptions(values.get('kafka.config'), at, warnings)),
  };
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
  return Object.fromEntries(keys.known);
}

/** `kafka.config`, Sarama's settings: the translatable ones as KafkaExporter options, a warning for the rest. */
function saramaOptions(config: unknown, at: string, warnings: string[]): Record<string, unknown> | undefined {
  if (config === undefined || config === null) return undefined;
  const { options, untranslated } = translateSarama(config);
  if (untranslated.length > 0) {
    warnings.push(
      `${at}: "kafka.config" settings of their Go client (Sarama) not translated: ${untranslated.join(', ')}; ` +
        'give KafkaExporter options for them in createExporter(config, { exporterOptions: { kafka } })',
    );
  }
  return options;
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
