import { once } from 'node:events';
import { Agent, createServer, get as httpGet, request as httpRequest, type Server } from 'node:http';
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

describe('fault proxy: loseAnswers()', () => {
  // A server that keeps every body it received: the write happened even when the answer is lost.
  let bodies: Array<{ url: string; body: string }>;
  let store: Server;
  let lossy: FaultProxy;
  beforeAll(async () => {
    store = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => {
        bodies.push({ url: req.url ?? '', body });
        res.end(`stored ${req.url}`);
      });
    });
    store.listen(0, '127.0.0.1');
    await once(store, 'listening');
  });
  afterAll(async () => {
    store.closeAllConnections();
    await new Promise((resolve) => store.close(resolve));
  });
  beforeEach(async () => {
    bodies = [];
    lossy = await startFaultProxy({ targetPort: (store.address() as AddressInfo).port });
  });
  afterEach(async () => {
    await lossy.close();
  });

  /** One POST; `agent` keeps the connection for the next request when given. */
  function post(
    path: string,
    body: string,
    options: { agent?: Agent; expectContinue?: boolean } = {},
  ): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        `${lossy.url()}${path}`,
        {
          method: 'POST',
          agent: options.agent ?? false,
          headers: options.expectContinue ? { expect: '100-continue' } : {},
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => resolve(text));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (options.expectContinue) req.on('continue', () => req.end(body));
      else req.end(body);
    });
  }

  it('the request reaches the server, the client gets a reset instead of the answer', async () => {
    await lossy.loseAnswers();
    expect(lossy.mode).toBe('lose-answers');
    await expect(post('/object', 'the batch')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(bodies).toEqual([{ url: '/object', body: 'the batch' }]);
    expect(lossy.connections.answersLost).toBe(1);
    await lossy.heal();
    await expect(post('/object', 'again')).resolves.toBe('stored /object');
  });

  it('match: only the answer of the final request of a multi-request upload is lost', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await lossy.loseAnswers({ match: /^POST \/key\?uploadId=\w+ / });
      await expect(post('/key?uploads', '', { agent })).resolves.toBe('stored /key?uploads');
      await expect(post('/key?partNumber=1', 'part one', { agent })).resolves.toBe(
        'stored /key?partNumber=1',
      );
      await expect(post('/key?uploadId=u1', '<Complete/>', { agent })).rejects.toMatchObject({
        code: 'ECONNRESET',
      });
      expect(bodies.map((b) => b.url)).toEqual(['/key?uploads', '/key?partNumber=1', '/key?uploadId=u1']);
      expect(bodies[2]?.body).toBe('<Complete/>');
      // All three went over one connection: matching is per request, not per connection.
      expect(lossy.connections.accepted).toBe(1);
      expect(lossy.connections.answersLost).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it('match as a function of the request head (headers included)', async () => {
    await lossy.loseAnswers({ match: (head) => /^x-final: yes$/im.test(head) });
    await expect(post('/a', 'one')).resolves.toBe('stored /a');
    const final = new Promise((resolve, reject) => {
      const req = httpRequest(
        `${lossy.url()}/b`,
        { method: 'PUT', agent: false, headers: { 'x-final': 'yes' } },
        resolve,
      );
      req.on('error', reject);
      req.end('two');
    });
    await expect(final).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(bodies.map((b) => b.body)).toEqual(['one', 'two']);
  });

  it('times: loses that many answers, then forwards again', async () => {
    await lossy.loseAnswers({ times: 1 });
    await expect(post('/first', 'x')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(lossy.mode).toBe('pass');
    await expect(post('/second', 'y')).resolves.toBe('stored /second');
    expect(bodies.map((b) => b.url)).toEqual(['/first', '/second']);
  });

  it('100 Continue passes: the body is sent, then its answer is lost', async () => {
    await lossy.loseAnswers();
    await expect(post('/big', 'body after continue', { expectContinue: true })).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
    expect(bodies).toEqual([{ url: '/big', body: 'body after continue' }]);
  });

  it('refuses bad options', async () => {
    await expect(lossy.loseAnswers({ times: 0 })).rejects.toThrow(/times/);
    await expect(lossy.loseAnswers({ match: 'x' as unknown as RegExp })).rejects.toThrow(/match/);
  });
});
