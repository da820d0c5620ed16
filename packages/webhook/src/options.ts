import type { Agent } from 'node:http';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { hostname } from 'node:os';
import { MAX_TIMER_MS, refuseUnknownKeys } from '@ff/exporter-core';

export interface WebhookExporterOptions {
  /** The receiver: an `http:` or `https:` URL. Required. */
  endpointUrl: string;
  /** Signs each body: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body bytes as sent>`. */
  secret?: string;
  /** Sent as the body's `meta`; `hostname` is added (this machine's) unless given. */
  meta?: Record<string, string>;
  /** Extra request headers; a list sends the header once per value (GO Feature Flag's `map[string][]string`). */
  headers?: Record<string, string | readonly string[]>;
  /** One request's time limit, from connecting to the end of the answer. Default 10_000 (GO Feature Flag's). */
  timeoutMs?: number;
  /** Compress bodies (`Content-Encoding: gzip`). Default false. */
  gzip?: boolean;
  /** Largest body, in bytes before compression; a larger batch goes as several requests. Default 512 KiB. */
  maxBatchBytes?: number;
  /** Your own `http.Agent` / `https.Agent` (TLS settings, a proxy agent). You close it; default: the exporter's keep-alive agent. */
  agent?: Agent;
}

export interface ResolvedWebhookOptions {
  url: URL;
  /** The endpoint as shown in errors and logs: no user info, no query (either may hold a credential). */
  endpoint: string;
  secret?: string;
  /** `{"meta":…,"events":[`: the fixed start of every body. */
  bodyStart: string;
  headers: Record<string, string | string[]>;
  /** Header values and the secret, replaced in anything a receiver echoes into an error. */
  secrets: string[];
  timeoutMs: number;
  gzip: boolean;
  maxBatchBytes: number;
  agent?: Agent;
}

const KNOWN = [
  'endpointUrl',
  'secret',
  'meta',
  'headers',
  'timeoutMs',
  'gzip',
  'maxBatchBytes',
  'agent',
] as const;

/** Headers the exporter sets itself: a value given for one would be overwritten or break the request. */
const RESERVED = [
  'content-type',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'host',
  'idempotency-key',
  'x-hub-signature-256',
];

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Well under the 1 MB that common proxies accept by default (nginx's client_max_body_size). */
export const DEFAULT_MAX_BATCH_BYTES = 512 * 1024;
/** Below this, most of each request would be the body's frame and headers. */
const MIN_BATCH_BYTES = 1024;

function invalid(option: string, expected: string, got: unknown): never {
  const shown = typeof got === 'string' ? `'${got}'` : String(got);
  throw new TypeError(`WebhookExporter option ${option} must be ${expected}, got ${shown}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Applies the defaults and throws a TypeError naming the first invalid option. */
export function resolveOptions(options: WebhookExporterOptions): ResolvedWebhookOptions {
  if (!isRecord(options)) invalid('options', 'an object', options);
  refuseUnknownKeys('WebhookExporter', options, KNOWN);

  const { url, endpoint } = endpointOf(options.endpointUrl);
  const secret = options.secret;
  if (secret !== undefined && (typeof secret !== 'string' || secret === '')) {
    throw new TypeError('WebhookExporter option secret must be a non-empty string when given');
  }

  const meta = resolveMeta(options.meta);
  const { headers, values } = resolveHeaders(options.headers);
  if (url.username || url.password) {
    if (Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) {
      throw new TypeError(
        'WebhookExporter option endpointUrl has user info and headers has Authorization: give one of them',
      );
    }
    // As Go's http client does: the URL's user info becomes Basic credentials.
    const basic = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
    values.push(headers.authorization, url.password);
  }

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (
    typeof timeoutMs !== 'number' ||
    !Number.isFinite(timeoutMs) ||
    timeoutMs < 1 ||
    timeoutMs > MAX_TIMER_MS
  ) {
    invalid('timeoutMs', `a number of ms from 1 to ${MAX_TIMER_MS}`, timeoutMs);
  }
  const gzip = options.gzip ?? false;
  if (typeof gzip !== 'boolean') invalid('gzip', 'a boolean', gzip);
  const maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
  if (!Number.isSafeInteger(maxBatchBytes) || maxBatchBytes < MIN_BATCH_BYTES) {
    invalid('maxBatchBytes', `an integer number of bytes >= ${MIN_BATCH_BYTES}`, maxBatchBytes);
  }
  const agent = options.agent;
  if (agent !== undefined && typeof (agent as { addRequest?: unknown })?.addRequest !== 'function') {
    invalid('agent', 'an http.Agent or https.Agent', agent);
  }

  const resolved: ResolvedWebhookOptions = {
    url,
    endpoint,
    bodyStart: `{"meta":${JSON.stringify(meta)},"events":[`,
    headers,
    // Header values shorter than 4 characters are left alone (they would blank out ordinary words); the secret never is.
    secrets: [...values.filter((value) => value.length >= 4), ...(secret === undefined ? [] : [secret])],
    timeoutMs,
    gzip,
    maxBatchBytes,
  };
  if (secret !== undefined) resolved.secret = secret;
  if (agent !== undefined) resolved.agent = agent;
  return resolved;
}

function endpointOf(endpointUrl: unknown): { url: URL; endpoint: string } {
  if (typeof endpointUrl !== 'string' || endpointUrl === '') {
    invalid('endpointUrl', 'an http: or https: URL', endpointUrl);
  }
  let url: URL;
  try {
    url = new URL(endpointUrl);
  } catch {
    // Not echoed: a URL that failed to parse may still carry a token.
    throw new TypeError(
      'WebhookExporter option endpointUrl must be an http: or https: URL: it cannot be parsed',
    );
  }
  const endpoint = `${url.protocol}//${url.host}${url.pathname}`;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(
      `WebhookExporter option endpointUrl must be an http: or https: URL, got protocol '${url.protocol}'`,
    );
  }
  return { url, endpoint };
}

/** GO Feature Flag's meta: strings only, `hostname` added unless given; keys sorted as Go's json.Marshal writes a map. */
function resolveMeta(meta: unknown): Record<string, string> {
  if (meta !== undefined && !isRecord(meta)) invalid('meta', 'an object of strings', meta);
  const all: Record<string, string> = { hostname: hostname() };
  for (const [key, value] of Object.entries(meta ?? {})) {
    if (typeof value !== 'string') invalid(`meta.${key}`, 'a string', value);
    all[key] = value;
  }
  return Object.fromEntries(Object.entries(all).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function resolveHeaders(given: unknown): { headers: Record<string, string | string[]>; values: string[] } {
  if (given !== undefined && !isRecord(given)) {
    invalid('headers', 'an object of strings or string lists', given);
  }
  const headers: Record<string, string | string[]> = {};
  const values: string[] = [];
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(given ?? {})) {
    const lower = name.toLowerCase();
    if (RESERVED.includes(lower)) {
      throw new TypeError(
        `WebhookExporter option headers['${name}'] is set by the exporter itself: remove it`,
      );
    }
    if (seen.has(lower))
      throw new TypeError(`WebhookExporter option headers has '${name}' twice (in another case)`);
    seen.add(lower);
    try {
      validateHeaderName(name);
    } catch {
      throw new TypeError(`WebhookExporter option headers has an invalid header name '${name}'`);
    }
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string')) {
      // The value itself is not shown: it may be a credential.
      throw new TypeError(
        `WebhookExporter option headers['${name}'] must be a string or a non-empty list of strings`,
      );
    }
    for (const v of list) {
      try {
        validateHeaderValue(name, v);
      } catch {
        throw new TypeError(`WebhookExporter option headers['${name}'] has a value with invalid characters`);
      }
      values.push(v);
      // A credential may also come back as just its token part ('Bearer xyz' echoed as 'xyz').
      const token = v.split(' ').pop();
      if (token && token !== v) values.push(token);
    }
    headers[name] = typeof value === 'string' ? value : [...list];
  }
  return { headers, values };
}
