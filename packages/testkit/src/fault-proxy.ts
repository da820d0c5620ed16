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

/**
 * `pass`: forwarding. `cut`: not listening, connections closed. `blackhole`: accepting, never
 * forwarding nor answering. `lose-answers`: forwarding requests, resetting the client's connection
 * when the answer starts to arrive (see {@link FaultProxy.loseAnswers}).
 */
export type FaultMode = 'pass' | 'cut' | 'blackhole' | 'lose-answers' | 'closed';

/** Which answers {@link FaultProxy.loseAnswers} loses. */
export interface LoseAnswersOptions {
  /**
   * Only the answer to a request whose head matches: the request's first bytes (latin1) up to the
   * blank line that ends its HTTP headers, at most 16 KiB, e.g. `/^POST [^ ]*uploadId=/` (S3's
   * CompleteMultipartUpload), `/comp=blocklist/` (Azure's Put Block List). Default: every answer.
   */
  match?: RegExp | ((head: string) => boolean);
  /** Lose this many answers, then forward again (mode back to `pass`). Default: every one until `heal()`. */
  times?: number;
}

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
  /** Answers lost by loseAnswers(): the request reached the target, the client's connection was reset. */
  answersLost: number;
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
  /**
   * The lost answer: requests are forwarded to the target, which handles them, but when its answer
   * starts to arrive the client's connection is reset (ECONNRESET) and the answer dropped. The write
   * happened; the client never learns it. Interim `1xx` answers (`100 Continue`) pass. With `match`,
   * only the answers to matching requests are lost (the final request of a multipart upload); with
   * `times`, only that many. Undone by `heal()`.
   */
  loseAnswers(options?: LoseAnswersOptions): Promise<void>;
  /** Back to forwarding without delay; held connections go on where they stopped. */
  heal(): Promise<void>;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

interface Link {
  client: Socket;
  upstream?: Socket;
  /** The head of the request being sent (see LoseAnswersOptions.match), reset when a new one starts. */
  head: string;
  /** True from the first byte of an answer until the client sends again (a new request). */
  answering: boolean;
}

/** A request head is matched on its first bytes: its request line and headers. */
const HEAD_LIMIT = 16 * 1024;
/** An interim answer (`HTTP/1.1 100 Continue`) is not the answer: the body has not been sent yet. */
const INTERIM = /^HTTP\/1\.[01] 1\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n/;

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
  readonly #counts = { accepted: 0, closedByCut: 0, reset: 0, upstreamFailed: 0, answersLost: 0 };
  #lose: { match: (head: string) => boolean; left: number } | undefined;

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

  async loseAnswers(options: LoseAnswersOptions = {}): Promise<void> {
    this.#assertOpen();
    const { match, times = Number.POSITIVE_INFINITY } = options;
    if (!(times === Number.POSITIVE_INFINITY || (Number.isInteger(times) && times > 0)))
      throw new TypeError(`fault proxy loseAnswers: times must be an integer > 0, got ${times}`);
    const test =
      match === undefined
        ? () => true
        : match instanceof RegExp
          ? (head: string) => {
              match.lastIndex = 0;
              return match.test(head);
            }
          : match;
    if (typeof test !== 'function')
      throw new TypeError(
        'fault proxy loseAnswers: match must be a RegExp or a function of the request head',
      );
    // From a blackhole or a cut: requests flow again (held ones too), answers are lost.
    await this.heal();
    this.mode = 'lose-answers';
    this.#lose = { match: test, left: times };
  }

  async heal(): Promise<void> {
    this.#assertOpen();
    this.mode = 'pass';
    this.delayMs = 0;
    this.#lose = undefined;
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
    const link: Link = { client, head: '', answering: false };
    this.#links.add(link);
    client.setNoDelay(true);
    client.on('error', () => {});
    client.on('close', (hadError) => {
      this.#links.delete(link);
      // A client that went away with an error (reset) takes its upstream connection down the same way.
      if (hadError && link.upstream) resetSocket(link.upstream);
    });
    if (this.mode !== 'blackhole') this.#connectUpstream(link);
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
    client.on('data', (chunk: Buffer) => this.#requestBytes(link, chunk));
    this.#forward(client, upstream);
    this.#forward(upstream, client, (chunk) => this.#answerBytes(link, chunk));
    if (this.mode === 'blackhole') {
      client.pause();
      upstream.pause();
    } else {
      client.resume();
    }
  }

  /** Keeps the head of the request being sent: the client sending after an answer starts a new request. */
  #requestBytes(link: Link, chunk: Buffer): void {
    if (link.answering) {
      link.answering = false;
      link.head = '';
    }
    if (link.head.length < HEAD_LIMIT && !link.head.includes('\r\n\r\n')) {
      link.head += chunk.toString('latin1', 0, Math.min(chunk.length, HEAD_LIMIT - link.head.length));
    }
  }

  /**
   * Called on each chunk of answer before it is forwarded; returns what to forward, or undefined
   * when the answer is lost (the connection is reset). An answer is judged on its first chunk.
   */
  #answerBytes(link: Link, chunk: Buffer): Buffer | undefined {
    if (link.answering) return chunk;
    const interim = INTERIM.exec(chunk.toString('latin1', 0, Math.min(chunk.length, 1024)));
    if (interim) {
      // Forward `100 Continue` (the client sends its body on it) and judge what follows it.
      const rest = chunk.subarray(interim[0].length);
      if (rest.length === 0) return chunk;
      const next = this.#answerBytes(link, rest);
      return next === undefined ? chunk.subarray(0, interim[0].length) : chunk;
    }
    link.answering = true;
    const lose = this.#lose;
    if (this.mode !== 'lose-answers' || !lose?.match(link.head)) return chunk;
    this.#counts.answersLost++;
    if (--lose.left === 0) {
      this.#lose = undefined;
      this.mode = 'pass';
    }
    resetSocket(link.client);
    link.upstream?.destroy();
    return undefined;
  }

  /**
   * Copies `from` to `to`, chunk by chunk, each chunk `delayMs` late (order kept), then ends `to`.
   * `inspect` sees each chunk as it arrives and may drop it.
   */
  #forward(from: Socket, to: Socket, inspect?: (chunk: Buffer) => Buffer | undefined): void {
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
    from.on('data', (received: Buffer) => {
      const chunk = inspect ? inspect(received) : received;
      if (chunk === undefined) return;
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
 * exporter at `proxy.url()` / `proxy.address`, then `cut()`, `reset()`, `delay(ms)`, `blackhole()`, `loseAnswers()`,
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
