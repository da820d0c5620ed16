import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerClient } from '@azure/storage-blob';
import { DataExporter, type Exporter, type Logger } from '@ff/exporter-core';
import { parseJsonLines, recordingLogger } from '@ff/exporter-testkit';
import { readContainer } from './azurite.js';

/** A DataExporter for one test: batches cut by flush() only, quick retries, short attempts. */
export function pipeline(exporter: Exporter, options: { exportTimeoutMs?: number; logger?: Logger } = {}) {
  const logger = options.logger ?? recordingLogger();
  return new DataExporter({
    exporter,
    logger,
    flushIntervalMs: 3_600_000,
    exportTimeoutMs: options.exportTimeoutMs ?? 5_000,
    retry: { maxAttempts: 1_000, initialDelayMs: 50, maxDelayMs: 200, maxElapsedMs: 60_000 },
    exportAtExit: false,
  });
}

/** Polls until `check` holds; the test's own timeout bounds the wait. */
export async function until(check: () => boolean): Promise<void> {
  while (!check()) await sleep(20);
}

/** What landed, decoded as JSON Lines: the objects' names and every record. */
export async function landedJson(container: ContainerClient) {
  const objects = await readContainer(container);
  return {
    names: objects.map((o) => o.name),
    records: objects.flatMap((o) => parseJsonLines(Buffer.from(o.bytes).toString('utf8'))) as {
      userKey: string;
    }[],
  };
}

export interface BusyProxy extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Requests seen, answered or forwarded. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of Azurite that answers the first `busy` requests itself with 503
 * ServerBusy (as Azure does under load, with a Retry-After) and forwards every later one.
 */
export async function startBusyProxy(targetPort: number, busy = 1, retryAfter = '0'): Promise<BusyProxy> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (requests.length <= busy) {
      req.resume();
      res.writeHead(503, { 'x-ms-error-code': 'ServerBusy', 'retry-after': retryAfter }).end();
      return;
    }
    const upstream = request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}
