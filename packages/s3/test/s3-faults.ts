import { once } from 'node:events';
import { createServer, request as forward, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The S3 operation an HTTP request is, told apart by method and query (path-style addressing). */
export type S3Operation =
  | 'PutObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'other';

/** What the proxy does with one request: `pass` it, or answer `503` itself (S3's SlowDown), the request never reaching moto. */
export type S3Fault = 'pass' | '503';

export interface SeenRequest {
  operation: S3Operation;
  fault: S3Fault;
  /** moto's status, or 503 when the proxy answered. */
  status?: number;
}

export interface S3FaultProxy {
  /** The endpoint to give the exporter. */
  readonly url: string;
  /** Every request, in arrival order. */
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

function operationOf(req: IncomingMessage): S3Operation {
  const query = new URL(req.url ?? '/', 'http://x').searchParams;
  if (req.method === 'PUT') return query.has('partNumber') ? 'UploadPart' : 'PutObject';
  if (req.method === 'POST' && query.has('uploads')) return 'CreateMultipartUpload';
  if (req.method === 'POST' && query.has('uploadId')) return 'CompleteMultipartUpload';
  if (req.method === 'DELETE' && query.has('uploadId')) return 'AbortMultipartUpload';
  return 'other';
}

/**
 * An HTTP proxy in front of moto that records each S3 request and moto's status (did the retry get
 * 412?), and answers 503 where `decide` says so: a real HTTP 503 from the network, per operation, which
 * the TCP fault proxy cannot make. `decide` sees each request and how many of its operation came before.
 */
export async function startS3FaultProxy(
  target: string,
  decide: (operation: S3Operation, before: number) => S3Fault = () => 'pass',
): Promise<S3FaultProxy> {
  const upstream = new URL(target);
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const operation = operationOf(req);
    const fault = decide(operation, seen.filter((s) => s.operation === operation).length);
    const entry: SeenRequest = { operation, fault };
    seen.push(entry);
    if (fault === '503') {
      req.resume();
      req.once('end', () => {
        entry.status = 503;
        res.writeHead(503, { 'content-type': 'application/xml' });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
        );
      });
      return;
    }
    const out = forward(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        entry.status = answer.statusCode;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
