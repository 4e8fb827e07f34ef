import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { RequestCounter, startFaultProxy, type FaultProxy, type FaultProxyOptions } from '../helpers/faultProxy.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Deterministic bytes, so a download can be checked without sending the expected body along. */
function blob(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + (i >> 8)) & 0xff;
  return b;
}

let server: http.Server;
let target: { host: string; port: number };
let serverRequests = 0;

before(async () => {
  server = http.createServer((req, res) => {
    serverRequests++;
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/echo') {
      req.pipe(res);
      return;
    }
    if (url.pathname === '/blob') {
      const body = blob(Number(url.searchParams.get('size') ?? 0));
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
      return;
    }
    if (url.pathname === '/slow') {
      setTimeout(() => res.end('late'), 2000).unref();
      return;
    }
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ length: body.length, sha256: sha256(body) }));
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target = { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port };
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function withProxy(opts: Omit<FaultProxyOptions, 'target'>, fn: (proxy: FaultProxy) => Promise<void>): Promise<void> {
  const proxy = await startFaultProxy({ target, ...opts });
  try {
    await fn(proxy);
  } finally {
    await proxy.close();
  }
}

interface Reply {
  status: number;
  body: Buffer;
}

/** A plain node:http request; `body` as an array is sent chunked. Rejects with the error's code. */
function request(
  url: string,
  opts: { method?: string; body?: Buffer | Buffer[]; agent?: http.Agent | false; timeoutMs?: number; onBody?: (bytes: number) => void } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', agent: opts.agent ?? false });
    if (opts.timeoutMs) req.setTimeout(opts.timeoutMs, () => req.destroy(Object.assign(new Error('client timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        parts.push(c);
        opts.onBody?.(c.length);
      });
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
    });
    if (Array.isArray(opts.body)) {
      for (const part of opts.body) req.write(part);
      req.end();
    } else {
      req.end(opts.body);
    }
  });
}

async function rejectsWithCode(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: NodeJS.ErrnoException) => {
    assert.equal(err.code, code, `${err.code}: ${err.message}`);
    return true;
  });
}

/** Raw TCP: everything the client got, and whether the connection ended with FIN or with an error. */
function rawExchange(port: number, bytes: string | Buffer): Promise<{ received: Buffer; ended: 'fin' | string }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const parts: Buffer[] = [];
    let ended = 'fin';
    socket.on('data', (c: Buffer) => parts.push(c));
    socket.on('error', (err: NodeJS.ErrnoException) => (ended = err.code ?? err.message));
    socket.on('close', () => resolve({ received: Buffer.concat(parts), ended }));
    socket.write(bytes);
  });
}

describe('pass-through', () => {
  test('large uploads, downloads and chunked bodies arrive unchanged', async () => {
    await withProxy({}, async (proxy) => {
      const up = randomBytes(3 * 1024 * 1024);
      const hashed = JSON.parse((await request(`${proxy.url}/hash`, { method: 'POST', body: up })).body.toString());
      assert.deepEqual(hashed, { length: up.length, sha256: sha256(up) });

      const down = await request(`${proxy.url}/blob?size=${3 * 1024 * 1024}`);
      assert.equal(sha256(down.body), sha256(blob(3 * 1024 * 1024)));

      const pieces = Array.from({ length: 50 }, () => randomBytes(10_000 + Math.floor(Math.random() * 5000)));
      const echoed = await request(`${proxy.url}/echo`, { method: 'POST', body: pieces });
      assert.equal(sha256(echoed.body), sha256(Buffer.concat(pieces)));

      const s = proxy.stats();
      assert.equal(s.connections, 3);
      assert.equal(s.requests, 3);
      assert.ok(s.bytesUp > up.length + echoed.body.length);
      assert.ok(s.bytesDown > down.body.length + echoed.body.length);
      assert.deepEqual(s.faulted, { drop: 0, reset: 0, delay: 0, truncate: 0, stall: 0 });
    });
  });
});

describe('request counting', () => {
  const decoy = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n0\r\n\r\n');
  const binary = () => Buffer.concat([randomBytes(3000), decoy, Buffer.from([0, 0x0d, 0x0a, 0x0a, 0xff]), decoy, randomBytes(3000)]);

  test('is exact over one keep-alive connection whose bodies contain request lines', async () => {
    await withProxy({}, async (proxy) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const before = serverRequests;
      try {
        await request(`${proxy.url}/upload?n=1`, { method: 'POST', body: binary(), agent });
        await request(`${proxy.url}/echo`, { method: 'POST', body: [binary(), decoy, binary()], agent });
        await request(`${proxy.url}/files/abc?offset=9`, { method: 'PATCH', body: binary(), agent });
        await request(`${proxy.url}/files/abc`, { method: 'PATCH', body: [decoy], agent });
        await request(`${proxy.url}/blob?size=10`, { agent });
        await request(`${proxy.url}/blob`, { method: 'HEAD', agent });
        await request(`${proxy.url}/upload`, { method: 'POST', agent });
      } finally {
        agent.destroy();
      }
      const s = proxy.stats();
      assert.equal(serverRequests - before, 7);
      assert.equal(s.connections, 1);
      assert.equal(s.requests, 7);
      assert.deepEqual(s.requestsByRoute, {
        'POST /upload': 2,
        'POST /echo': 1,
        'PATCH /files/abc': 2,
        'GET /blob': 1,
        'HEAD /blob': 1,
      });
    });
  });

  test('the parser gives the same answer whichever way the stream is split', () => {
    const stream = Buffer.concat([
      Buffer.from('\r\nPOST /a?q=1 HTTP/1.1\r\nHost: x\r\ncontent-length: 20\r\n\r\nGET /fake HTTP/1.1\r\n'),
      Buffer.from('PUT /b HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n'),
      Buffer.from('5;ext=1\r\nGET /\r\n'),
      Buffer.from('1a\r\n'),
      Buffer.from('0\r\n\r\nGET /x HTTP/1.1\r\n\r\n\r\n\r\n'),
      Buffer.from('0\r\nX-Trailer: 1\r\n\r\n'),
      Buffer.from('GET http://example.org/c/d?e HTTP/1.1\n\n'),
      Buffer.from('GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'),
      Buffer.from('GET /frames-not-http HTTP/1.1\r\n\r\n'),
    ]);
    const expected = ['POST /a', 'PUT /b', 'GET /c/d', 'GET /ws'];
    for (const split of [stream.length, 1, 2, 7]) {
      const seen: string[] = [];
      const counter = new RequestCounter((method, path) => seen.push(`${method} ${path}`));
      for (let i = 0; i < stream.length; i += split) counter.feed(stream.subarray(i, i + split));
      assert.deepEqual(seen, expected, `split every ${split} bytes`);
    }
  });
});

describe('faults', () => {
  test('drop: the server never hears of it and the client times out', async () => {
    await withProxy({ faults: { share: 1, kinds: ['drop'] } }, async (proxy) => {
      const before = serverRequests;
      await rejectsWithCode(request(`${proxy.url}/hash`, { method: 'POST', body: randomBytes(50_000), timeoutMs: 300 }), 'ETIMEDOUT');
      const s = proxy.stats();
      assert.equal(serverRequests, before);
      assert.equal(s.faulted.drop, 1);
      assert.equal(s.requests, 1, 'the proxy still saw the request go out');
      assert.equal(s.bytesUp + s.bytesDown, 0);
    });
  });

  test('stall: part of the response arrives, then nothing, until the client times out', async () => {
    await withProxy({ faults: { share: 1, kinds: ['stall'], triggerBytes: [2000, 8000] } }, async (proxy) => {
      let got = 0;
      await rejectsWithCode(request(`${proxy.url}/blob?size=200000`, { timeoutMs: 300, onBody: (n) => (got += n) }), 'ETIMEDOUT');
      assert.ok(got > 0 && got < 8000, `got ${got} body bytes`);
      assert.equal(proxy.stats().faulted.stall, 1);
      assert.ok(proxy.stats().bytesDown <= 8000);
    });
  });

  test('reset: the client sees ECONNRESET, mid-upload or mid-download', async () => {
    await withProxy({ faults: { share: 1, kinds: ['reset'], triggerBytes: [1000, 50_000] }, seed: 7 }, async (proxy) => {
      for (let i = 0; i < 6; i++) {
        await rejectsWithCode(request(`${proxy.url}/echo`, { method: 'POST', body: randomBytes(256 * 1024) }), 'ECONNRESET');
      }
      assert.equal(proxy.stats().faulted.reset, 6);
    });
  });

  test('truncate: a short response, then a clean FIN', async () => {
    await withProxy({ faults: { share: 1, kinds: ['truncate'], triggerBytes: [1000, 50_000] } }, async (proxy) => {
      const { received, ended } = await rawExchange(proxy.port, 'GET /blob?size=200000 HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.equal(ended, 'fin');
      assert.ok(received.length >= 1000 && received.length <= 50_000, `got ${received.length} bytes`);
      assert.match(received.toString('latin1'), /^HTTP\/1\.1 200 OK\r\n/);
      assert.equal(proxy.stats().faulted.truncate, 1);
    });
  });

  test('delay: every chunk waits, each way', async () => {
    await withProxy({ faults: { share: 1, kinds: ['delay'], delayMs: 150 } }, async (proxy) => {
      const t0 = performance.now();
      const reply = await request(`${proxy.url}/blob?size=100`);
      assert.equal(reply.body.length, 100);
      assert.ok(performance.now() - t0 >= 290, `took ${performance.now() - t0} ms`);
      assert.equal(proxy.stats().faulted.delay, 1);
    });
  });

  test('the share of faulted connections follows the plan, and a seed repeats it', async () => {
    const run = async () => {
      let faulted: Record<string, number> = {};
      const plan = { share: 0.3, kinds: { reset: 1, truncate: 1, delay: 2 }, delayMs: 1, triggerBytes: [0, 10] as const };
      await withProxy({ faults: plan, seed: 42 }, async (proxy) => {
        for (let batch = 0; batch < 8; batch++) {
          await Promise.all(
            Array.from({ length: 25 }, () => rawExchange(proxy.port, 'GET /blob?size=100 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')),
          );
        }
        assert.equal(proxy.stats().connections, 200);
        faulted = proxy.stats().faulted;
      });
      return faulted;
    };
    const first = await run();
    const total = Object.values(first).reduce((a, b) => a + b, 0);
    assert.ok(total >= 40 && total <= 80, `${total} of 200 faulted`);
    assert.ok(first.reset! > 0 && first.truncate! > 0 && first.delay! > first.reset!, JSON.stringify(first));
    assert.equal(first.drop! + first.stall!, 0);
    assert.deepEqual(await run(), first);
  });
});

describe('offline', () => {
  test('refuses new connections, kills open ones, and comes back', async () => {
    await withProxy({}, async (proxy) => {
      const inFlight = request(`${proxy.url}/slow`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      proxy.setOffline(true);
      await rejectsWithCode(inFlight, 'ECONNRESET');
      await rejectsWithCode(request(`${proxy.url}/blob?size=10`), 'ECONNRESET');
      assert.equal(proxy.stats().refused, 1);
      proxy.setOffline(false);
      assert.equal((await request(`${proxy.url}/blob?size=10`)).body.length, 10);
    });
  });
});

describe('bandwidth', () => {
  // How closely the rate is held is measured in bench/proxy (timings belong in benches, not tests).
  test('a shaped link carries a large upload intact, and so does the link once unshaped', async () => {
    await withProxy({ bandwidthBitsPerSecond: 8_000_000 }, async (proxy) => {
      const body = randomBytes(2_000_000);
      const reply = await request(`${proxy.url}/hash`, { method: 'POST', body });
      assert.equal(JSON.parse(reply.body.toString()).sha256, sha256(body));
      assert.equal(proxy.stats().bytesUp >= body.length, true, 'the proxy counted every byte it forwarded');
      proxy.setBandwidth(null);
      const again = await request(`${proxy.url}/hash`, { method: 'POST', body });
      assert.equal(JSON.parse(again.body.toString()).sha256, sha256(body));
    });
  });

  test('a throttled upload is held back in the client, not buffered in the proxy', async () => {
    await withProxy({ bandwidthBitsPerSecond: 8_000_000 }, async (proxy) => {
      const size = 40_000_000;
      const req = http.request(`${proxy.url}/hash`, { method: 'POST', agent: false, headers: { 'content-length': size } });
      req.on('error', () => {});
      const chunk = Buffer.alloc(64 * 1024);
      let offered = 0;
      const write = () => {
        while (offered < size) {
          offered += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', write);
        }
      };
      write();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // What left the client but not the proxy sits in loopback socket buffers (a few MB) and the
      // proxy's small queue; without backpressure it would be the whole 40 MB within milliseconds.
      const inFlight = (req.socket?.bytesWritten ?? 0) - proxy.stats().bytesUp;
      req.destroy();
      // A bound on buffering, not a rate (the rate is bench/proxy's): far below the 40 MB offered.
      assert.ok(inFlight < 16_000_000, `${(inFlight / 1e6).toFixed(1)} MB in flight`);
    });
  });
});
