import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type ServerOptions as TlsOptions } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One request that arrived whole. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  /** Header names and values as sent, repeated headers kept apart. */
  rawHeaders: string[];
  /** The body's bytes as they came over the wire (compressed ones too). */
  raw: Buffer;
  /** The body decoded (gunzipped when Content-Encoding says so) and parsed; undefined when it was not JSON. */
  body?: { meta: Record<string, unknown>; events: unknown[] };
  /** The status answered (0 while unanswered or never answered). */
  status: number;
  /** When the last byte of the body arrived. */
  at: number;
}

/** What to answer one request: a status (200 by default), headers, a body; or 'hang' to never answer. */
export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';
export type Responder = (request: Received, index: number) => Reply | undefined;

export interface Receiver extends AsyncDisposable {
  readonly port: number;
  url(path: string): string;
  /** Requests that arrived whole, in order; only those for `path` when given. */
  received(path?: string): Received[];
  /** The `events` of every body for `path` answered 2xx, in order: what the receiver accepted. */
  events(path: string): unknown[];
  /** Requests whose body was cut off before its end. */
  readonly cutOff: number;
  /** Requests answered by answerAtHeaders(), body unread. */
  readonly refusedAtHeaders: number;
  /** Connections accepted since start. */
  readonly connections: number;
  /** Requests whose headers arrived (complete or not): resolves at the next one. */
  nextRequestStarted(): Promise<void>;
  /** Replaces how requests are answered (default: 200 to all). */
  answer(responder: Responder | undefined): void;
  /**
   * Answers requests as soon as their headers arrive, without reading their bodies, then closes the
   * connection, as a proxy refusing a body too large does; `undefined` lets a request through.
   */
  answerAtHeaders(
    responder: ((path: string, headers: IncomingHttpHeaders) => Reply | undefined) | undefined,
  ): void;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 that keeps every request it receives: the webhook's test peer. HTTPS with `tls`. */
export async function startReceiver(options: { tls?: TlsOptions } = {}): Promise<Receiver> {
  const requests: Received[] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  let responder: Responder | undefined;
  let early: ((path: string, headers: IncomingHttpHeaders) => Reply | undefined) | undefined;
  let refusedAtHeaders = 0;
  let cutOff = 0;
  let connections = 0;
  let started: (() => void)[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    for (const resolve of started) resolve();
    started = [];
    const now = early?.(req.url ?? '', req.headers);
    if (now !== undefined && now !== 'hang') {
      refusedAtHeaders++;
      res.writeHead(now.status, { 'content-type': 'text/plain', connection: 'close', ...now.headers });
      res.end(now.body ?? 'refused', () => req.socket.destroy());
      return;
    }
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('error', () => {});
    req.on('close', () => {
      if (!req.complete) cutOff++;
    });
    req.on('end', () => {
      const raw = Buffer.concat(parts);
      const received: Received = {
        path: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        raw,
        status: 0,
        at: Date.now(),
      };
      try {
        const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        received.body = JSON.parse(text);
      } catch {
        // Kept as raw bytes: the test decides whether that is a failure.
      }
      requests.push(received);
      const reply = responder?.(received, requests.length - 1) ?? { status: 200 };
      if (reply === 'hang') {
        hanging.add(res);
        return;
      }
      received.status = reply.status;
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
      res.end(reply.body ?? (reply.status < 300 ? 'ok' : 'refused'));
    });
  };
  const server = options.tls ? createTlsServer(options.tls, handle) : createServer(handle);
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const close = async () => {
    for (const socket of sockets) socket.destroy();
    hanging.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    port,
    url: (path) => `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}${normal(path)}`,
    received: (path) => requests.filter((r) => path === undefined || r.path === normal(path)),
    events: (path) =>
      requests
        .filter((r) => r.path === normal(path) && r.status >= 200 && r.status < 300)
        .flatMap((r) => r.body?.events ?? []),
    get cutOff() {
      return cutOff;
    },
    get connections() {
      return connections;
    },
    nextRequestStarted: () => new Promise<void>((resolve) => started.push(resolve)),
    answer(next) {
      responder = next;
    },
    answerAtHeaders(next) {
      early = next;
    },
    get refusedAtHeaders() {
      return refusedAtHeaders;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

const normal = (path: string) => (path.startsWith('/') ? path : `/${path}`);
