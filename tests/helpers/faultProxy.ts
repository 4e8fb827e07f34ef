// A TCP proxy between a station's HTTP client and the central server, for fault tests and the sync
// benchmark. It works on bytes, not HTTP messages, so faults land where a real network puts them:
// mid-header, mid-body, between keep-alive requests. It reads the client's stream only to count
// requests.
import net, { type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { seededRandom } from '../../src/shared/demo/seededRandom.js';

export type FaultKind = 'drop' | 'reset' | 'delay' | 'truncate' | 'stall';
export const FAULT_KINDS: readonly FaultKind[] = ['drop', 'reset', 'delay', 'truncate', 'stall'];

export interface FaultPlan {
  /** Share of new connections (0..1) that get a fault. */
  share: number;
  /** Which faults, equally likely when a list, or with relative weights. */
  kinds: readonly FaultKind[] | Partial<Record<FaultKind, number>>;
  /** Latency a `delay` connection adds to every chunk, each direction. Default 200. */
  delayMs?: number;
  /** `reset`, `truncate` and `stall` strike after a uniform random byte count in [min, max]. Default [0, 65536]. */
  triggerBytes?: readonly [min: number, max: number];
}

export interface FaultProxyOptions {
  target: { host: string; port: number };
  faults?: FaultPlan | null;
  /** Shapes the sum of both directions over all connections, like one shared link. */
  bandwidthBitsPerSecond?: number | null;
  /** Same seed, same sequence of connection fates. */
  seed?: number;
  /**
   * Closes (FIN) a connection idle this long, as NAT boxes and load balancers do. Keep-alive would
   * otherwise carry a whole test over two or three connections, and per-connection faults would
   * strike only those; with it, the station opens connections as a real one on a real network does.
   */
  idleCloseMs?: number | null;
}

export interface FaultProxyStats {
  /** Connections accepted while online. */
  connections: number;
  /** Connections turned away while offline. */
  refused: number;
  /** Faults that actually struck, by kind (a byte-triggered fault whose count is never reached is not counted). */
  faulted: Record<FaultKind, number>;
  /** Bytes delivered to the server / to the client. */
  bytesUp: number;
  bytesDown: number;
  /** Request lines the client sent, including those a fault then kept from the server. */
  requests: number;
  /** The same by "METHOD /path" (no query string). */
  requestsByRoute: Record<string, number>;
}

export interface FaultProxy {
  port: number;
  url: string;
  stats(): FaultProxyStats;
  /** Applies to connections accepted from now on. */
  setFaults(plan: FaultPlan | null): void;
  setOffline(offline: boolean): void;
  setBandwidth(bitsPerSecond: number | null): void;
  close(): Promise<void>;
}

/**
 * Finds the HTTP/1.x requests in one connection's client→server byte stream. Bodies are skipped
 * by their framing (Content-Length or chunked), never scanned, so a body that contains
 * "GET / HTTP/1.1" is not a request. Lines may arrive split across any number of chunks.
 */
export class RequestCounter {
  constructor(private readonly onRequest: (method: string, path: string) => void) {}

  private state: 'request-line' | 'headers' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'opaque' = 'request-line';
  private line: Buffer[] = [];
  private lineLength = 0;
  private remaining = 0;
  private contentLength = 0;
  private chunked = false;
  private upgrade = false;

  feed(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length && this.state !== 'opaque') {
      if (this.state === 'body' || this.state === 'chunk-data') {
        const n = Math.min(this.remaining, chunk.length - i);
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) this.state = this.state === 'body' ? 'request-line' : 'chunk-end';
        continue;
      }
      const nl = chunk.indexOf(0x0a, i);
      const end = nl === -1 ? chunk.length : nl;
      this.line.push(chunk.subarray(i, end));
      this.lineLength += end - i;
      i = nl === -1 ? chunk.length : nl + 1;
      // A line that never ends is not HTTP; stop counting rather than buffer without bound.
      if (this.lineLength > 65536) this.state = 'opaque';
      else if (nl !== -1) this.onLine(Buffer.concat(this.line).toString('latin1').replace(/\r$/, ''));
    }
  }

  private onLine(line: string): void {
    this.line = [];
    this.lineLength = 0;
    switch (this.state) {
      case 'request-line': {
        if (line === '') return; // RFC 9112 §2.2: ignore empty lines before a request
        const [method, target] = line.split(' ');
        if (!method || !target) return void (this.state = 'opaque');
        this.onRequest(method, pathOf(target));
        this.contentLength = 0;
        this.chunked = false;
        this.upgrade = method === 'CONNECT';
        this.state = 'headers';
        return;
      }
      case 'headers': {
        if (line === '') return this.startBody();
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim().toLowerCase();
        if (name === 'content-length') this.contentLength = Number(value);
        else if (name === 'transfer-encoding') this.chunked = value.split(',').at(-1)?.trim() === 'chunked';
        else if (name === 'upgrade') this.upgrade = true;
        return;
      }
      case 'chunk-size': {
        const size = parseInt(line.split(';')[0] ?? '', 16);
        if (!Number.isFinite(size)) return void (this.state = 'opaque');
        if (size === 0) this.state = 'trailers';
        else [this.state, this.remaining] = ['chunk-data', size];
        return;
      }
      case 'chunk-end':
        this.state = 'chunk-size';
        return;
      case 'trailers':
        if (line === '') this.state = 'request-line';
        return;
    }
  }

  private startBody(): void {
    // After an upgrade (WebSocket) or CONNECT the bytes are no longer HTTP. We cannot see whether
    // the server agreed, so we assume it did.
    if (this.upgrade) this.state = 'opaque';
    else if (this.chunked) this.state = 'chunk-size';
    else if (this.contentLength > 0) [this.state, this.remaining] = ['body', this.contentLength];
    else this.state = 'request-line';
  }
}

function pathOf(target: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    try {
      return new URL(target).pathname;
    } catch {
      /* fall through to the plain split */
    }
  }
  return target.split(/[?#]/)[0] ?? target;
}

/**
 * One token bucket for the whole link. Grants are small (10 ms of traffic) so connections take
 * turns, and FIFO so none starves. The bucket may go into debt by one grant; the next waiter waits
 * it off. An idle link saves at most 50 ms of tokens, so a new transfer starts with little burst;
 * while connections are queued, though, a timer that fires late (busy event loop) keeps up to 1 s
 * of credit, or the link would run slower than asked whenever the process is busy.
 */
class TokenBucket {
  private bytesPerMs: number | null = null;
  private tokens = 0;
  private last = performance.now();
  private waiters: Array<{ want: number; grant: (n: number) => void }> = [];
  private timer: NodeJS.Timeout | null = null;

  setRate(bitsPerSecond: number | null): void {
    this.refill();
    this.bytesPerMs = bitsPerSecond === null ? null : bitsPerSecond / 8 / 1000;
    this.tokens = Math.min(this.tokens, this.burst());
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.serve();
  }

  /** Resolves with how many of `want` bytes may go now (at least one). */
  take(want: number): Promise<number> {
    if (this.bytesPerMs === null) return Promise.resolve(want);
    this.refill(); // before joining the queue, so idle time counts as idle
    return new Promise((grant) => {
      this.waiters.push({ want, grant });
      this.serve();
    });
  }

  /** Lets every waiter go, so pumps can see their connection is gone. */
  releaseAll(): void {
    for (const w of this.waiters.splice(0)) w.grant(w.want);
  }

  private quantum(): number {
    return this.bytesPerMs === null ? Infinity : Math.min(65536, Math.max(256, Math.round(this.bytesPerMs * 10)));
  }

  private burst(): number {
    return this.bytesPerMs === null ? Infinity : Math.max(this.quantum(), this.bytesPerMs * 50);
  }

  private refill(): void {
    const now = performance.now();
    if (this.bytesPerMs !== null) {
      const cap = this.waiters.length > 0 ? this.bytesPerMs * 1000 : this.burst();
      this.tokens = Math.min(Math.max(cap, this.tokens), this.tokens + (now - this.last) * this.bytesPerMs);
    }
    this.last = now;
  }

  private serve(): void {
    if (this.bytesPerMs === null) return this.releaseAll();
    this.refill();
    while (this.waiters.length > 0 && this.tokens >= 0) {
      const w = this.waiters.shift()!;
      const n = Math.min(w.want, this.quantum());
      this.tokens -= n;
      w.grant(n);
    }
    if (this.waiters.length > 0 && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.serve();
      }, Math.max(1, Math.ceil(-this.tokens / this.bytesPerMs)));
    }
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.releaseAll();
  }
}

// The queue a pipe holds before pausing its source: enough to keep a fast link busy, small
// enough that a throttled 50 MB upload waits in the client, not in the proxy.
const HIGH_WATER = 256 * 1024;
const MAX_WRITE = 64 * 1024;

/**
 * One direction of a connection: source → (delay) → (bandwidth) → (fault limit) → destination.
 * After `limit` bytes it stops for good and calls `onLimit`, which decides what the fault looks like.
 */
class Pipe {
  private halted = false;
  private queue: Array<{ chunk: Buffer; at: number }> = [];
  private queued = 0;
  private forwarded = 0;
  private srcDone = false;
  private pumping = false;

  constructor(
    private readonly src: Socket,
    private readonly dst: Socket,
    private readonly opts: {
      delayMs: number;
      limit: number;
      onLimit: () => void;
      bucket: TokenBucket;
      count: (bytes: number) => void;
    },
  ) {
    // The counter and this pipe both listen, so pausing the socket holds back both alike.
    src.on('data', (chunk: Buffer) => {
      if (this.halted) return;
      this.queue.push({ chunk, at: performance.now() + opts.delayMs });
      this.queued += chunk.length;
      if (this.queued >= HIGH_WATER) src.pause();
      void this.pump();
    });
    const done = () => {
      this.srcDone = true;
      void this.pump();
    };
    src.on('end', done);
    src.on('close', done);
  }

  /** Stops forwarding for good; whatever the source still sends is read and thrown away. */
  halt(): void {
    this.halted = true;
    this.queue = [];
    this.src.resume();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.halted) {
        if (this.forwarded >= this.opts.limit) {
          this.halt();
          this.opts.onLimit();
          return;
        }
        const head = this.queue[0]!;
        const wait = head.at - performance.now();
        if (wait > 0) await sleep(wait);
        const want = Math.min(head.chunk.length, MAX_WRITE, this.opts.limit - this.forwarded);
        const n = await this.opts.bucket.take(want);
        if (this.halted || this.dst.destroyed || this.dst.writableEnded) return this.halt();
        const piece = head.chunk.subarray(0, n);
        head.chunk = head.chunk.subarray(n);
        if (head.chunk.length === 0) this.queue.shift();
        this.queued -= n;
        this.forwarded += n;
        this.opts.count(n);
        if (!this.dst.write(piece)) await drained(this.dst);
        if (this.queued < HIGH_WATER / 2 && this.src.isPaused() && !this.halted) this.src.resume();
      }
      if (this.srcDone && this.queue.length === 0 && !this.halted && !this.dst.destroyed) this.dst.end();
    } finally {
      this.pumping = false;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done).off('close', done);
      resolve();
    };
    socket.on('drain', done).on('close', done);
  });
}

function resetQuietly(socket: Socket): void {
  if (socket.destroyed) return;
  // While our FIN is still being sent, libuv refuses the reset (EINVAL) and Node 20 ignores that,
  // leaving the handle open for ever. The peer has its FIN coming anyway, so just close.
  if (socket.writableEnded && !socket.writableFinished) return void socket.destroy();
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

interface Fate {
  kind: FaultKind | null;
  direction: 'up' | 'down';
  triggerAt: number;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  const bucket = new TokenBucket();
  bucket.setRate(options.bandwidthBitsPerSecond ?? null);
  let plan = options.faults ?? null;
  let offline = false;
  /** Each open client socket and its upstream (none for a dropped connection). */
  const open = new Map<Socket, Socket | null>();
  let requests = 0;
  const byRoute = new Map<string, number>();
  const countRequest = (method: string, path: string) => {
    requests++;
    byRoute.set(`${method} ${path}`, (byRoute.get(`${method} ${path}`) ?? 0) + 1);
  };
  const stats = {
    connections: 0,
    refused: 0,
    faulted: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
    bytesUp: 0,
    bytesDown: 0,
  };

  // Four draws per connection whatever the plan, so one connection's fate never shifts the next.
  function decideFate(): Fate {
    const [hit, pick, dir, bytes] = [random(), random(), random(), random()];
    const direction = dir < 0.5 ? 'up' : 'down';
    const [min, max] = plan?.triggerBytes ?? [0, 65536];
    const triggerAt = min + Math.floor(bytes * (max - min + 1));
    if (!plan || hit >= plan.share) return { kind: null, direction, triggerAt };
    const weights: Array<[FaultKind, number]> = Array.isArray(plan.kinds)
      ? (plan.kinds as FaultKind[]).map((k) => [k, 1])
      : (Object.entries(plan.kinds) as Array<[FaultKind, number]>).filter(([, w]) => w > 0);
    const total = weights.reduce((s, [, w]) => s + w, 0);
    let x = pick * total;
    const kind = weights.find(([, w]) => (x -= w) < 0)?.[0] ?? weights.at(-1)?.[0] ?? null;
    return { kind, direction, triggerAt };
  }

  function handle(client: Socket): void {
    client.on('error', () => {});
    if (offline) {
      stats.refused++;
      return resetQuietly(client);
    }
    stats.connections++;
    open.set(client, null);
    client.on('close', () => open.delete(client));
    const counter = new RequestCounter(countRequest);
    client.on('data', (chunk: Buffer) => counter.feed(chunk));
    const fate = decideFate();
    const struck = (kind: FaultKind) => stats.faulted[kind]++;

    if (fate.kind === 'drop') {
      // A black hole: the client's bytes are read (and counted) and go nowhere; nothing comes back.
      struck('drop');
      return;
    }

    const upstream = net.connect({ host: options.target.host, port: options.target.port, allowHalfOpen: true });
    upstream.on('error', () => {});
    open.set(client, upstream);
    client.on('close', (hadError) => (hadError ? resetQuietly(upstream) : upstream.destroy()));
    upstream.on('close', (hadError) => {
      if (hadError) resetQuietly(client);
    });

    const resetBoth = () => {
      struck('reset');
      resetQuietly(client);
      resetQuietly(upstream);
    };
    const truncate = () => {
      struck('truncate');
      upstream.destroy();
      // FIN only; the client closes its half when it sees the end, and then the socket goes.
      client.end();
    };
    const stall = () => {
      struck('stall');
      upstream.pause();
    };
    if (fate.kind === 'delay') struck('delay');
    const delayMs = fate.kind === 'delay' ? (plan?.delayMs ?? 200) : 0;
    const limitFor = (dir: 'up' | 'down'): { limit: number; onLimit: () => void } => {
      if (fate.kind === 'reset' && fate.direction === dir) return { limit: fate.triggerAt, onLimit: resetBoth };
      if (fate.kind === 'truncate' && dir === 'down') return { limit: fate.triggerAt, onLimit: truncate };
      if (fate.kind === 'stall' && dir === 'down') return { limit: fate.triggerAt, onLimit: stall };
      return { limit: Infinity, onLimit: () => {} };
    };
    new Pipe(client, upstream, { delayMs, bucket, count: (n) => (stats.bytesUp += n), ...limitFor('up') });
    new Pipe(upstream, client, { delayMs, bucket, count: (n) => (stats.bytesDown += n), ...limitFor('down') });
    const idleMs = options.idleCloseMs;
    if (idleMs) {
      let timer: NodeJS.Timeout | undefined;
      const touch = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          client.end();
          upstream.end();
        }, idleMs);
      };
      client.on('data', touch);
      upstream.on('data', touch);
      client.on('close', () => clearTimeout(timer));
      touch();
    }
  }

  function killOpen(): void {
    for (const [client, upstream] of open) {
      resetQuietly(client);
      if (upstream) resetQuietly(upstream);
    }
    open.clear();
  }

  const server = net.createServer({ allowHalfOpen: true }, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    stats: () => ({
      ...stats,
      faulted: { ...stats.faulted },
      requests,
      requestsByRoute: Object.fromEntries(byRoute),
    }),
    setFaults: (next) => void (plan = next),
    setOffline(next) {
      offline = next;
      if (offline) killOpen();
    },
    setBandwidth: (bps) => bucket.setRate(bps),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      killOpen();
      bucket.close();
      await closed;
    },
  };
}
