import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

export interface FaultProxyOptions {
  /** The real peer. */
  targetPort: number;
  /** Default `127.0.0.1`. */
  targetHost?: string;
  /** Where the proxy listens. Default `127.0.0.1`. */
  host?: string;
  /** Default 0: a free port, read it back from `proxy.port`. */
  port?: number;
}

/** `pass`: forwarding. `cut`: not listening, connections closed. `blackhole`: accepting, never forwarding nor answering. */
export type FaultMode = 'pass' | 'cut' | 'blackhole' | 'closed';

export interface FaultProxyConnections {
  /** Client connections accepted since start. */
  accepted: number;
  /** Client connections open now. */
  active: number;
  /** Connections closed by cut(). */
  closedByCut: number;
  /** Connections reset by reset(). */
  reset: number;
  /** Connections whose upstream connection to the target failed (the client got a reset). */
  upstreamFailed: number;
}

/**
 * A TCP proxy between a client (the exporter) and its real peer that injects network faults. Every
 * fault method resolves once the fault is in effect; `heal()` undoes them all.
 */
export interface FaultProxy extends AsyncDisposable {
  readonly host: string;
  readonly port: number;
  /** `host:port`, e.g. a Kafka bootstrap address. */
  readonly address: string;
  readonly mode: FaultMode;
  /** Latency added to each chunk, each way. */
  readonly delayMs: number;
  /** Counts, as of now. */
  readonly connections: FaultProxyConnections;
  /** `${protocol}://host:port`, default protocol `http`. */
  url(protocol?: string): string;
  /** Closes every connection (FIN) and stops listening: new connections get ECONNREFUSED, open ones end or reset. */
  cut(): Promise<void>;
  /** Resets every open connection (RST, both sides): the client gets ECONNRESET. New connections pass. */
  reset(): Promise<void>;
  /** Adds `ms` of latency to each chunk, each way, order kept. `delay(0)` removes it. */
  delay(ms: number): Promise<void>;
  /** Accepts connections but forwards and answers nothing (a partition): clients time out. Data is held, not lost, until heal(). */
  blackhole(): Promise<void>;
  /** Back to forwarding without delay; held connections go on where they stopped. */
  heal(): Promise<void>;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

interface Link {
  client: Socket;
  upstream?: Socket;
}

class TcpFaultProxy implements FaultProxy {
  readonly host: string;
  port = 0;
  mode: FaultMode = 'pass';
  delayMs = 0;
  readonly #targetHost: string;
  readonly #targetPort: number;
  readonly #server: Server;
  readonly #links = new Set<Link>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #listening = false;
  readonly #counts = { accepted: 0, closedByCut: 0, reset: 0, upstreamFailed: 0 };

  constructor(options: FaultProxyOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 0;
    this.#targetHost = options.targetHost ?? '127.0.0.1';
    this.#targetPort = options.targetPort;
    // pauseOnConnect: nothing is read from a client until we decide where it goes (a blackhole holds it).
    this.#server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) =>
      this.#accept(client),
    );
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get connections(): FaultProxyConnections {
    return { ...this.#counts, active: this.#links.size };
  }

  url(protocol = 'http'): string {
    return `${protocol}://${this.address}`;
  }

  async listen(): Promise<void> {
    if (this.#listening) return;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        reject(
          new Error(`fault proxy cannot listen on ${this.host}:${this.port}: ${err.message}`, { cause: err }),
        );
      };
      this.#server.once('error', onError);
      this.#server.listen(this.port, this.host, () => {
        this.#server.off('error', onError);
        resolve();
      });
    });
    this.#listening = true;
    // Listening again after cut() reuses the port, so clients configured with it reconnect.
    this.port = (this.#server.address() as AddressInfo).port;
  }

  async #stopListening(): Promise<void> {
    if (!this.#listening) return;
    this.#listening = false;
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async cut(): Promise<void> {
    this.#assertOpen();
    this.mode = 'cut';
    const stopped = this.#stopListening();
    for (const link of this.#links) {
      this.#counts.closedByCut++;
      link.client.destroy();
      link.upstream?.destroy();
    }
    await stopped;
  }

  async reset(): Promise<void> {
    this.#assertOpen();
    for (const link of this.#links) {
      this.#counts.reset++;
      resetSocket(link.client);
      if (link.upstream) resetSocket(link.upstream);
    }
  }

  async delay(ms: number): Promise<void> {
    this.#assertOpen();
    if (!Number.isFinite(ms) || ms < 0)
      throw new TypeError(`fault proxy delay must be a number of ms >= 0, got ${ms}`);
    this.delayMs = ms;
  }

  async blackhole(): Promise<void> {
    this.#assertOpen();
    this.mode = 'blackhole';
    for (const link of this.#links) {
      link.client.pause();
      link.upstream?.pause();
    }
    await this.listen();
  }

  async heal(): Promise<void> {
    this.#assertOpen();
    this.mode = 'pass';
    this.delayMs = 0;
    await this.listen();
    for (const link of this.#links) {
      if (link.upstream) {
        link.client.resume();
        link.upstream.resume();
      } else {
        this.#connectUpstream(link);
      }
    }
  }

  async close(): Promise<void> {
    if (this.mode === 'closed') return;
    this.mode = 'closed';
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const stopped = this.#stopListening();
    for (const link of this.#links) {
      link.client.destroy();
      link.upstream?.destroy();
    }
    await stopped;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #assertOpen(): void {
    if (this.mode === 'closed') throw new Error('fault proxy is closed');
  }

  #accept(client: Socket): void {
    if (this.mode === 'cut' || this.mode === 'closed') {
      client.destroy();
      return;
    }
    this.#counts.accepted++;
    const link: Link = { client };
    this.#links.add(link);
    client.setNoDelay(true);
    client.on('error', () => {});
    client.on('close', (hadError) => {
      this.#links.delete(link);
      // A client that went away with an error (reset) takes its upstream connection down the same way.
      if (hadError && link.upstream) resetSocket(link.upstream);
    });
    if (this.mode === 'pass') this.#connectUpstream(link);
    // Blackhole: the client stays paused and unread, with no upstream, until heal().
  }

  #connectUpstream(link: Link): void {
    const { client } = link;
    const upstream = connect({
      host: this.#targetHost,
      port: this.#targetPort,
      allowHalfOpen: true,
      noDelay: true,
    });
    link.upstream = upstream;
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
    });
    upstream.on('error', () => {});
    upstream.on('close', (hadError) => {
      if (!connected) this.#counts.upstreamFailed++;
      // The target refused or reset: the client sees a reset too, as it would without the proxy.
      if (hadError || !connected) resetSocket(client);
    });
    this.#forward(client, upstream);
    this.#forward(upstream, client);
    if (this.mode === 'blackhole') {
      client.pause();
      upstream.pause();
    } else {
      client.resume();
    }
  }

  /** Copies `from` to `to`, chunk by chunk, each chunk `delayMs` late (order kept), then ends `to`. */
  #forward(from: Socket, to: Socket): void {
    let due = 0;
    let pending = 0;
    let ended = false;
    const write = (chunk: Buffer) => {
      if (to.destroyed) return;
      if (!to.write(chunk) && this.mode !== 'blackhole') {
        from.pause();
        to.once('drain', () => {
          if (this.mode !== 'blackhole') from.resume();
        });
      }
    };
    from.on('data', (chunk: Buffer) => {
      if (this.delayMs === 0 && pending === 0) return write(chunk);
      const now = Date.now();
      due = Math.max(due, now + this.delayMs);
      pending++;
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        pending--;
        write(chunk);
        if (pending === 0 && ended && !to.destroyed) to.end();
      }, due - now);
      this.#timers.add(timer);
    });
    from.on('end', () => {
      ended = true;
      if (pending === 0 && !to.destroyed) to.end();
    });
  }
}

function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/**
 * Starts a TCP fault proxy on 127.0.0.1 (a free port) in front of `targetHost:targetPort`. Point the
 * exporter at `proxy.url()` / `proxy.address`, then `cut()`, `reset()`, `delay(ms)`, `blackhole()`,
 * `heal()`; `close()` (or `await using`) when done.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  if (!Number.isInteger(options?.targetPort) || options.targetPort <= 0 || options.targetPort > 65_535) {
    throw new TypeError(`startFaultProxy: targetPort must be a TCP port, got ${String(options?.targetPort)}`);
  }
  const proxy = new TcpFaultProxy(options);
  await proxy.listen();
  return proxy;
}
