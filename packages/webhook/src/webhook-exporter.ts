import { createHmac } from 'node:crypto';
import { Agent as HttpAgent, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { createGzip } from 'node:zlib';
import {
  type ExportableEvent,
  type ExportContext,
  ExportError,
  type Exporter,
  type ExportResult,
  isExportError,
  isRetryableStatus,
  nextTurn,
  parseRetryAfter,
} from '@ff/exporter-core';
import { type EncodedPart, encodePart } from './body.js';
import { type ResolvedWebhookOptions, resolveOptions, type WebhookExporterOptions } from './options.js';
import { type Answer, post, RequestTimeout } from './post.js';
import { StepMemory, type WorkItem } from './steps.js';

/**
 * POSTs each batch as GO Feature Flag's webhook does, `{"meta": {...}, "events": [...]}`, signed with
 * the secret, in requests of at most `maxBatchBytes`. Failures are classified for core's retries; a
 * batch sent in several requests reports partial success, so a retry resends only what did not land,
 * under the same Idempotency-Key as before.
 */
export class WebhookExporter implements Exporter {
  /** The endpoint as shown in errors and logs: without user info or query. */
  readonly endpoint: string;
  readonly #options: ResolvedWebhookOptions;
  readonly #agent: HttpAgent;
  readonly #ownAgent: boolean;
  readonly #memory = new StepMemory();

  constructor(options: WebhookExporterOptions) {
    this.#options = resolveOptions(options);
    this.endpoint = this.#options.endpoint;
    this.#ownAgent = this.#options.agent === undefined;
    // An agent opens nothing until its first request.
    this.#agent =
      this.#options.agent ??
      (this.#options.url.protocol === 'https:'
        ? new HttpsAgent({ keepAlive: true })
        : new HttpAgent({ keepAlive: true }));
  }

  isBulk(): boolean {
    return true;
  }

  async export(events: readonly ExportableEvent[], context: ExportContext): Promise<ExportResult> {
    const { batchId } = context;
    const work = StepMemory.place(
      this.#memory.take(batchId, events) ?? [{ kind: 'pack', count: events.length, part: 1 }],
      events,
    );
    const rejected: number[] = [];
    /** The next request's body, encoded while the one before it was on its way. */
    let ahead: { item: WorkItem; part: Promise<EncodedPart> } | undefined;
    for (let item = work.shift(); item !== undefined; item = work.shift()) {
      if (item.kind === 'reject') {
        for (let i = item.start; i < item.end; i++) rejected.push(i);
        continue;
      }
      const part = await (ahead?.item === item ? ahead.part : this.#encode(events, item));
      ahead = undefined;
      let key: string;
      if (item.kind === 'pack') {
        const last = part.end === item.end;
        // A batch that goes in one request is keyed by its batch id alone; parts get -1, -2, …
        key = item.part === 1 && last && item.start === 0 ? batchId : `${batchId}-${item.part}`;
        if (!last) work.unshift({ kind: 'pack', start: part.end, end: item.end, part: item.part + 1 });
        item = { kind: 'send', start: item.start, end: part.end, key };
      } else {
        key = item.key;
      }
      rejected.push(...part.rejected);
      if (part.encoded === 0) continue;

      const sent: Promise<{ answer?: Answer; failure?: Failure }> = this.#send(
        part,
        key,
        context.signal,
      ).then(
        (answer) => ({ answer }),
        (err: unknown) => ({ failure: this.#networkError(err) }),
      );
      const next = work[0];
      if (next !== undefined && next.kind !== 'reject') {
        // One turn first, so this request's bytes are handed to the socket before the next body is encoded.
        await nextTurn();
        ahead = { item: next, part: this.#encode(events, next) };
      }
      const { answer, failure: lost } = await sent;
      if (answer && answer.status >= 200 && answer.status < 300) continue;
      if (answer?.status === 413) {
        const delivered = this.#split(item, part, key, work, rejected);
        if (!delivered) {
          context.logger.warn(
            { endpoint: this.endpoint, batchId, bytes: part.bytes },
            'webhook answered 413 to a request of one event: that event is counted as failed',
          );
        }
        continue;
      }
      const failure = lost ?? this.#refusal(answer as Answer);
      const remaining: WorkItem[] = [item, ...work];
      const undelivered = [
        ...rejected.filter((i) => i < item.start),
        ...remaining.flatMap((left) => range(left.start, left.end)),
      ];
      if (failure.retryable) this.#memory.keep(batchId, events, rejected, remaining);
      else this.#memory.forget(batchId);
      const { message, ...classified } = failure;
      throw new ExportError(message, { ...classified, undelivered });
    }
    this.#memory.forget(batchId);
    return { rejected };
  }

  #encode(events: readonly ExportableEvent[], item: WorkItem): Promise<EncodedPart> {
    // Only a request never sent is cut by size: one sent before goes again with the same events.
    const maxBytes = item.kind === 'pack' ? this.#options.maxBatchBytes : Number.POSITIVE_INFINITY;
    return encodePart(events, this.#options.bodyStart, item.start, item.end, maxBytes);
  }

  async close(): Promise<void> {
    this.#memory.clear();
    if (this.#ownAgent) this.#agent.destroy();
  }

  /**
   * A 413: the request goes again at once as two halves, each keyed after it (`<key>.1`, `<key>.2`),
   * down to single events; false when it already was one event, which is then rejected.
   */
  #split(
    item: WorkItem & { kind: 'send' },
    part: EncodedPart,
    key: string,
    work: WorkItem[],
    rejected: number[],
  ): boolean {
    if (part.encoded > 1) {
      const mid = item.start + Math.floor((item.end - item.start) / 2);
      // Its unserialisable events will be found again in the halves.
      rejected.splice(rejected.length - part.rejected.length, part.rejected.length);
      work.unshift(
        { kind: 'send', start: item.start, end: mid, key: `${key}.1` },
        { kind: 'send', start: mid, end: item.end, key: `${key}.2` },
      );
      return true;
    }
    for (let i = item.start; i < item.end; i++) if (!part.rejected.includes(i)) rejected.push(i);
    return false;
  }

  async #send(part: EncodedPart, key: string, signal: AbortSignal): Promise<Answer> {
    const { secret, gzip } = this.#options;
    const body = gzip ? await gzipped(part.chunks) : part.chunks;
    const headers: OutgoingHttpHeaders = {
      ...this.#options.headers,
      'content-type': 'application/json',
      'content-length': body.reduce((sum, chunk) => sum + chunk.length, 0),
      'idempotency-key': key,
    };
    if (gzip) headers['content-encoding'] = 'gzip';
    if (secret !== undefined) {
      // The bytes as sent, compressed ones included: what a receiver holds before decoding, as GitHub signs.
      const hmac = createHmac('sha256', secret);
      for (const chunk of body) hmac.update(chunk);
      headers['x-hub-signature-256'] = `sha256=${hmac.digest('hex')}`;
    }
    return post({
      url: this.#options.url,
      headers,
      body,
      agent: this.#agent,
      signal,
      timeoutMs: this.#options.timeoutMs,
    });
  }

  #networkError(err: unknown): Failure {
    const retryable = true;
    if (err instanceof RequestTimeout) {
      return { message: `webhook ${this.endpoint}: ${err.message} (retryable)`, retryable, cause: err };
    }
    if (isExportError(err)) {
      // The attempt's signal: core's export timeout or close deadline.
      return { message: `webhook ${this.endpoint}: request aborted: ${err.message}`, retryable, cause: err };
    }
    const code = (err as { code?: unknown })?.code;
    if (typeof code === 'string' && TLS_REFUSED.test(code)) {
      return {
        message: `webhook ${this.endpoint}: its TLS certificate was refused (${code}): not retried; for a private CA, give the agent option an https.Agent with { ca }`,
        retryable: false,
        cause: err,
      };
    }
    const reason = typeof code === 'string' ? code : ((err as Error)?.message ?? String(err));
    return { message: `webhook ${this.endpoint}: ${reason} (retryable)`, retryable, cause: err };
  }

  #refusal(answer: Answer): Failure {
    const { status } = answer;
    const said = this.#redact(answer.text);
    const head = `webhook ${this.endpoint} answered ${status}${answer.statusText ? ` ${answer.statusText}` : ''}${said ? `: ${said}` : ''}`;
    if (isRetryableStatus(status)) {
      const retryAfterMs = parseRetryAfter(answer.retryAfter);
      const message = `${head} (retryable)`;
      return retryAfterMs === undefined
        ? { message, retryable: true }
        : { message, retryable: true, retryAfterMs };
    }
    const advice =
      status === 401 || status === 403
        ? "the receiver refused the credentials: check the exporter's headers and secret"
        : status >= 300 && status < 400
          ? 'redirects are not followed: set endpointUrl to the final URL'
          : 'the receiver refused the request: fix the receiver or the exporter options';
    return { message: `${head} (not retried: ${advice})`, retryable: false };
  }

  /** An answer may echo the request: its credentials never reach an error message or a log. */
  #redact(text: string): string {
    let shown = text;
    // Before anything else: collapsing spaces or cutting first could leave a credential unrecognised.
    for (const secret of this.#options.secrets) shown = shown.split(secret).join('[redacted]');
    return shown.replace(/\s+/g, ' ').trim().slice(0, 200);
  }
}

/** A failed request, classified: becomes the attempt's ExportError once `undelivered` is known. */
interface Failure {
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
  cause?: unknown;
}

/** Node's codes for a server certificate that fails verification: a setting to fix, not an outage to wait out. */
const TLS_REFUSED =
  /^(?:ERR_TLS_CERT_ALTNAME_INVALID|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(?:_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|CERT_UNTRUSTED|CERT_REVOKED)$/;

function range(start: number, end: number): number[] {
  const indexes: number[] = [];
  for (let i = start; i < end; i++) indexes.push(i);
  return indexes;
}

async function gzipped(chunks: readonly Buffer[]): Promise<Buffer[]> {
  const gzip = createGzip();
  const out: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    gzip.once('end', resolve);
    gzip.once('error', reject);
  });
  for (const chunk of chunks) gzip.write(chunk);
  gzip.end();
  await done;
  return out;
}
