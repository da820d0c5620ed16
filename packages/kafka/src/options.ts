import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { type ExportableEvent, refuseUnknownKeys } from '@ff/exporter-core';

/** Which part of an event becomes the record's key (and so picks its partition). */
export type KeyOption = 'userKey' | 'flagKey' | 'none' | ((event: ExportableEvent) => string | undefined);

export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface SaslOptions {
  mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | 'OAUTHBEARER';
  username?: string;
  password?: string;
  /** OAUTHBEARER's token. */
  token?: string;
}

export interface KafkaExporterOptions {
  /** The topic every record goes to. It must exist: the exporter never creates topics. Required. */
  topic: string;
  /** Bootstrap brokers, `host:port`. Required, at least one. */
  addresses: readonly string[];
  /** The record key. Default `'userKey'` (GO Feature Flag's), so one user's events stay in order on one partition. */
  key?: KeyOption;
  /** Default `'ff-exporter-kafka'`. */
  clientId?: string;
  /** Record batch compression. Default `'none'`; `'zstd'` needs Node >= 22.15. */
  compression?: Compression;
  /** TLS: `true` for the system's CAs, or Node's `tls.connect` options (ca, cert, key, servername…). */
  tls?: boolean | TlsOptions;
  sasl?: SaslOptions;
  /**
   * Idempotent producer (acks=all, the broker de-duplicates a resent produce request). Default true.
   * false: acks=all still, but no producer id (for brokers that refuse IDEMPOTENT_WRITE).
   */
  idempotent?: boolean;
  /**
   * Bytes of records (values, keys and headers) per produce request: a batch above it goes as several
   * requests, one after the other. Keep it under the topic's `max.message.bytes` (broker default
   * 1 MiB). Default 1_000_000.
   */
  maxRequestBytes?: number;
  /** How long the broker and the client wait for one produce request. Default 10_000. */
  requestTimeoutMs?: number;
  /** Default 5_000. */
  connectTimeoutMs?: number;
}

export interface ResolvedOptions {
  topic: string;
  addresses: string[];
  key: KeyOption;
  clientId: string;
  compression: Compression;
  tls?: TlsOptions;
  sasl?: SaslOptions;
  idempotent: boolean;
  maxRequestBytes: number;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
}

const KNOWN: readonly (keyof KafkaExporterOptions)[] = [
  'topic',
  'addresses',
  'key',
  'clientId',
  'compression',
  'tls',
  'sasl',
  'idempotent',
  'maxRequestBytes',
  'requestTimeoutMs',
  'connectTimeoutMs',
];
const COMPRESSIONS: readonly Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const MECHANISMS: readonly SaslOptions['mechanism'][] = [
  'PLAIN',
  'SCRAM-SHA-256',
  'SCRAM-SHA-512',
  'OAUTHBEARER',
];
// Kafka's own rule for topic names.
const TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;
const ADDRESS = /^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:.]+\]:\d{1,5}$/;

function invalid(option: string, expected: string, got: unknown): never {
  const shown = typeof got === 'string' ? `'${got}'` : String(got);
  throw new TypeError(`KafkaExporter option ${option} must be ${expected}, got ${shown}`);
}

function positiveInteger(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    invalid(option, 'an integer >= 1', value);
  }
  return value;
}

/** Applies the defaults and throws a TypeError naming the first invalid option. */
export function resolveOptions(options: KafkaExporterOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) invalid('options', 'an object', options);
  refuseUnknownKeys('KafkaExporter', options, KNOWN);
  const { topic, addresses } = options;
  if (typeof topic !== 'string' || !TOPIC.test(topic)) {
    invalid('topic', 'a Kafka topic name (letters, digits, ., _ and -, at most 249)', topic);
  }
  if (!Array.isArray(addresses) || addresses.length === 0) {
    invalid('addresses', "a non-empty array of 'host:port' strings", addresses);
  }
  for (const address of addresses) {
    if (typeof address !== 'string' || !ADDRESS.test(address))
      invalid('addresses', "'host:port' strings", address);
  }
  const key = options.key ?? 'userKey';
  if (typeof key !== 'function' && key !== 'userKey' && key !== 'flagKey' && key !== 'none') {
    invalid('key', "'userKey', 'flagKey', 'none' or a function of the event", key);
  }
  const clientId = options.clientId ?? 'ff-exporter-kafka';
  if (typeof clientId !== 'string' || clientId === '') invalid('clientId', 'a non-empty string', clientId);
  const compression = options.compression ?? 'none';
  if (!COMPRESSIONS.includes(compression))
    invalid('compression', COMPRESSIONS.map((c) => `'${c}'`).join(', '), compression);
  if (
    compression === 'zstd' &&
    typeof (process as { versions: Record<string, string> }).versions.zstd !== 'string'
  ) {
    throw new TypeError(
      `KafkaExporter option compression 'zstd' needs Node >= 22.15 (this is ${process.version})`,
    );
  }
  const idempotent = options.idempotent ?? true;
  if (typeof idempotent !== 'boolean') invalid('idempotent', 'a boolean', idempotent);
  if (
    options.tls !== undefined &&
    typeof options.tls !== 'boolean' &&
    (typeof options.tls !== 'object' || options.tls === null)
  ) {
    invalid('tls', 'true or tls.connect options', options.tls);
  }
  const tls = options.tls === true ? {} : options.tls || undefined;
  const sasl = options.sasl;
  if (sasl !== undefined) {
    if (typeof sasl !== 'object' || sasl === null || !MECHANISMS.includes(sasl.mechanism)) {
      invalid('sasl.mechanism', MECHANISMS.map((m) => `'${m}'`).join(', '), sasl?.mechanism);
    }
    if (
      sasl.mechanism === 'OAUTHBEARER'
        ? typeof sasl.token !== 'string'
        : typeof sasl.username !== 'string' || typeof sasl.password !== 'string'
    ) {
      // Never echo a credential: name what is missing only.
      throw new TypeError(
        `KafkaExporter option sasl: ${sasl.mechanism} needs ${sasl.mechanism === 'OAUTHBEARER' ? 'a token' : 'a username and a password'} (strings)`,
      );
    }
  }
  return {
    topic,
    addresses: [...addresses],
    key,
    clientId,
    compression,
    ...(tls ? { tls } : {}),
    ...(sasl ? { sasl: { ...sasl } } : {}),
    idempotent,
    maxRequestBytes: positiveInteger('maxRequestBytes', options.maxRequestBytes, 1_000_000),
    requestTimeoutMs: positiveInteger('requestTimeoutMs', options.requestTimeoutMs, 10_000),
    connectTimeoutMs: positiveInteger('connectTimeoutMs', options.connectTimeoutMs, 5_000),
  };
}
