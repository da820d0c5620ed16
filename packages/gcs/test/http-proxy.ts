import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does with one request: pass it on (undefined), answer it itself, or hang (read the
 * body, answer nothing, note when the client closes the connection).
 */
export type HttpFault = { answer: number; headers?: Record<string, string> } | 'hang' | undefined;

export interface HttpRequestSeen {
  /** `METHOD path?uploadType=…`, without upload ids. */
  request: string;
  /** `pass`, `hang` or the status answered. */
  fault: string;
  /** Hung requests: when the client closed the connection (epoch ms). */
  closedAt?: number;
}

export interface HttpProxy extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  /** Requests seen, as `METHOD path?uploadType=…` (no upload ids), with what was done. */
  readonly log: HttpRequestSeen[];
  /** Resets (RST) the connections of the hung requests: the client sees its request fail mid-way. */
  resetHung(): void;
  close(): Promise<void>;
}

/**
 * A small HTTP proxy in front of fake-gcs-server for faults chosen per request, which the testkit's
 * TCP fault proxy cannot see: a status of its own (a 503 on one kind of request) or a request that
 * hangs while others pass.
 */
export async function startHttpProxy(
  targetPort: number,
  fault: (req: IncomingMessage, seen: number) => HttpFault,
  port = 0,
): Promise<HttpProxy> {
  const log: HttpRequestSeen[] = [];
  const hung = new Set<IncomingMessage>();
  const server: Server = createServer((req, res) => {
    const chosen = fault(req, log.length);
    const url = new URL(req.url ?? '/', 'http://proxy');
    const uploadType = url.searchParams.get('uploadType');
    const name = `${req.method} ${url.pathname}${uploadType ? `?uploadType=${uploadType}` : ''}${url.searchParams.has('upload_id') ? '&upload_id' : ''}`;
    const seen: HttpRequestSeen = {
      request: name,
      fault: chosen === undefined ? 'pass' : typeof chosen === 'string' ? chosen : String(chosen.answer),
    };
    log.push(seen);
    req.on('error', () => {});
    res.on('error', () => {});
    if (chosen === 'hang') {
      hung.add(req);
      req.resume();
      req.socket.once('close', () => {
        hung.delete(req);
        seen.closedAt = Date.now();
      });
      return;
    }
    if (chosen !== undefined) {
      // Read the body first, as a real server would before answering.
      req.resume();
      req.on('end', () => {
        res.writeHead(chosen.answer, { 'content-type': 'application/json', ...chosen.headers });
        res.end(JSON.stringify({ error: { code: chosen.answer, message: 'injected by the test proxy' } }));
      });
      return;
    }
    const upstream = request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    log,
    resetHung() {
      for (const req of hung) req.socket.resetAndDestroy();
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
