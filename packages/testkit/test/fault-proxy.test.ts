import { once } from 'node:events';
import { createServer, get as httpGet, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../src/index.js';

// The proxy against a real node:http server: each fault as a client sees it.
let server: Server;
let targetPort: number;
let seen = 0;
const arrivals: Array<() => void> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen++;
    for (const arrived of arrivals.splice(0)) arrived();
    const slow = req.url?.startsWith('/slow');
    const timer = setTimeout(() => res.end(`hello ${req.url}`), slow ? 1_000 : 0);
    res.on('close', () => clearTimeout(timer));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  targetPort = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let proxy: FaultProxy;
beforeEach(async () => {
  proxy = await startFaultProxy({ targetPort });
});
afterEach(async () => {
  await proxy.close();
});

interface Reply {
  status: number;
  body: string;
  ms: number;
}

/** One GET on a fresh connection; rejects with the socket's error (code ECONNREFUSED, ECONNRESET) or ETIMEDOUT. */
function get(path: string, timeoutMs = 5_000): Promise<Reply> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpGet(`${proxy.url()}${path}`, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () =>
      req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })),
    );
    req.on('error', reject);
  });
}

/** Resolves when the server has received the next request. */
function nextArrival(): Promise<void> {
  return new Promise((resolve) => arrivals.push(resolve));
}

describe('fault proxy', () => {
  it('forwards requests and counts connections', async () => {
    const reply = await get('/hello');
    expect(reply).toMatchObject({ status: 200, body: 'hello /hello' });
    expect(proxy.connections.accepted).toBe(1);
    expect(proxy.address).toBe(`127.0.0.1:${proxy.port}`);
  });

  it('cut(): new connections are refused, open ones are closed, heal() restores on the same port', async () => {
    const inFlight = get('/slow');
    await nextArrival();
    const port = proxy.port;
    await proxy.cut();
    await expect(inFlight).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(get('/after-cut')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(proxy.connections.closedByCut).toBe(1);
    await proxy.heal();
    expect(proxy.port).toBe(port);
    await expect(get('/healed')).resolves.toMatchObject({ status: 200, body: 'hello /healed' });
  });

  it('reset(): open connections get a TCP reset, new ones pass', async () => {
    const inFlight = get('/slow');
    await nextArrival();
    await proxy.reset();
    await expect(inFlight).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(proxy.connections.reset).toBe(1);
    await expect(get('/after-reset')).resolves.toMatchObject({ status: 200 });
  });

  it('delay(ms): each chunk is late by ms, each way', async () => {
    const baseline = await get('/fast');
    await proxy.delay(150);
    const delayed = await get('/delayed');
    expect(delayed.body).toBe('hello /delayed');
    // The request goes one way and the response the other: at least two delays.
    expect(delayed.ms).toBeGreaterThanOrEqual(290);
    expect(delayed.ms - baseline.ms).toBeGreaterThanOrEqual(250);
    await proxy.heal();
    expect((await get('/healed')).ms).toBeLessThan(delayed.ms);
  });

  it('blackhole(): connections are accepted but nothing is forwarded or answered, so requests time out', async () => {
    await proxy.blackhole();
    const before = seen;
    await expect(get('/lost', 300)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(seen).toBe(before);
    expect(proxy.connections.accepted).toBe(1);
    await proxy.heal();
    await expect(get('/healed')).resolves.toMatchObject({ status: 200 });
  });

  it('blackhole() then heal(): a held request goes on where it stopped, as after a partition', async () => {
    await proxy.blackhole();
    const before = seen;
    const held = get('/held');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toBe(before);
    await proxy.heal();
    await expect(held).resolves.toMatchObject({ status: 200, body: 'hello /held' });
  });

  it('blackhole() holds open connections too', async () => {
    const inFlight = get('/slow', 1_500);
    await nextArrival();
    await proxy.blackhole();
    // The server answers after 1 s; the answer is held, so the client times out.
    await expect(inFlight).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('a target that is down: the client gets a reset, counted as upstreamFailed', async () => {
    const spare = createServer();
    spare.listen(0, '127.0.0.1');
    await once(spare, 'listening');
    const deadPort = (spare.address() as AddressInfo).port;
    await new Promise((resolve) => spare.close(resolve));
    await using dead = await startFaultProxy({ targetPort: deadPort });
    const reply = new Promise((resolve, reject) => {
      httpGet(`${dead.url()}/`, { agent: false }, resolve).on('error', reject);
    });
    await expect(reply).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(dead.connections.upstreamFailed).toBe(1);
  });

  it('close(): stops listening and ends every connection', async () => {
    await get('/one');
    await proxy.close();
    await expect(get('/closed')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(proxy.cut()).rejects.toThrow(/closed/);
  });

  it('refuses a bad target port', async () => {
    await expect(startFaultProxy({ targetPort: 0 })).rejects.toThrow(/targetPort/);
  });
});
