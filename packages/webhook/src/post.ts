import { type Agent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What the receiver answered. */
export interface Answer {
  status: number;
  statusText: string;
  retryAfter?: string;
  /** The start of the answer's body, for error messages. */
  text: string;
}

export interface PostOptions {
  url: URL;
  headers: OutgoingHttpHeaders;
  body: readonly Uint8Array[];
  agent: Agent;
  signal: AbortSignal;
  timeoutMs: number;
}

/** Enough of an answer's body to explain a refusal; the rest is read and discarded so the connection is reused. */
const TEXT_BYTES = 512;

export class RequestTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'RequestTimeout';
  }
}

/**
 * One POST with node:http(s): a body of known length written chunk by chunk, settled when the answer
 * has been read, when `timeoutMs` passes, or as soon as `signal` aborts. Rejects, when no status came,
 * with the network error as Node reports it (ECONNRESET, ECONNREFUSED, …), a RequestTimeout or the
 * signal's reason.
 */
export function post(options: PostOptions): Promise<Answer> {
  const { url, signal } = options;
  return new Promise<Answer>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let settled = false;
    const finish = (error: unknown, answer?: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (error === undefined) resolve(answer as Answer);
      else reject(error);
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // Options rather than the URL itself: Node would turn the URL's user info into an Authorization of its own.
    const req = send({
      protocol: url.protocol,
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: options.headers,
      agent: options.agent,
    });
    const onAbort = () => {
      finish(signal.reason);
      req.destroy(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      const error = new RequestTimeout(options.timeoutMs);
      finish(error);
      req.destroy(error);
    }, options.timeoutMs);
    /** Set once the status line arrived: the receiver has decided, whatever happens to the connection next. */
    let answer: Answer | undefined;
    // A receiver (or a proxy) may answer before it has read the body, a 413 say, then close the
    // connection: the write then fails, but the answer stands.
    const failed = (err: unknown) => (answer ? finish(undefined, answer) : finish(err));
    req.on('error', failed);
    req.on('response', (res) => {
      answer = { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', text: '' };
      const retryAfter = res.headers['retry-after'];
      if (retryAfter !== undefined) answer.retryAfter = retryAfter;
      const parts: Buffer[] = [];
      let kept = 0;
      res.on('data', (data: Buffer) => {
        if (kept < TEXT_BYTES) {
          parts.push(data);
          kept += data.length;
        }
      });
      const done = () => {
        (answer as Answer).text = Buffer.concat(parts).subarray(0, TEXT_BYTES).toString('utf8');
        finish(undefined, answer);
      };
      res.on('error', done);
      res.on('end', done);
      res.on('close', done);
    });
    for (const chunk of options.body) req.write(chunk);
    req.end();
  });
}
