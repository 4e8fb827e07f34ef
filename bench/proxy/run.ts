// bench/proxy: how closely the fault proxy's shaper holds a bandwidth (the sync bench's link relies
// on it). Prints the rate measured by the proxy's own byte count in the steady middle of a transfer,
// and what it forwarded in the first second of a 40 MB upload offered all at once.
//   node --import tsx bench/proxy/run.ts [--mbit 8]
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { startFaultProxy } from '../../tests/helpers/faultProxy.js';

const { values } = parseArgs({ options: { mbit: { type: 'string', default: '8' } } });
const bps = Number(values.mbit) * 1_000_000;

const server = http.createServer((req, res) => {
  const hash = createHash('sha256');
  req.on('data', (c: Buffer) => hash.update(c));
  req.on('end', () => res.end(hash.digest('hex')));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: (server.address() as AddressInfo).port }, bandwidthBitsPerSecond: bps });

function post(body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${proxy.url}/`, { method: 'POST', agent: false, headers: { 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const samples: { t: number; bytes: number }[] = [];
const timer = setInterval(() => {
  const s = proxy.stats();
  samples.push({ t: performance.now(), bytes: s.bytesUp + s.bytesDown });
}, 100);
const body = randomBytes(4_000_000);
const t0 = performance.now();
await post(body);
clearInterval(timer);
const elapsed = (performance.now() - t0) / 1000;
const mid = samples.filter((s) => s.bytes > 0.2 * body.length && s.bytes < 0.9 * body.length);
const rate = mid.length > 1 ? ((mid.at(-1)!.bytes - mid[0]!.bytes) * 8) / ((mid.at(-1)!.t - mid[0]!.t) / 1000) : NaN;

proxy.setBandwidth(null);
const t1 = performance.now();
await post(body);
const unlimited = (performance.now() - t1) / 1000;

proxy.setBandwidth(bps);
const before = proxy.stats().bytesUp;
const req = http.request(`${proxy.url}/`, { method: 'POST', agent: false, headers: { 'content-length': 40_000_000 } });
req.on('error', () => undefined);
const chunk = Buffer.alloc(64 * 1024);
let offered = 0;
const write = () => {
  while (offered < 40_000_000) {
    offered += chunk.length;
    if (!req.write(chunk)) return void req.once('drain', write);
  }
};
write();
await new Promise((r) => setTimeout(r, 1000));
const firstSecond = proxy.stats().bytesUp - before;
req.destroy();

process.stdout.write(
  [
    `target ${values.mbit} Mbit/s: ${(body.length / 1e6).toFixed(0)} MB took ${elapsed.toFixed(2)} s (arithmetic: ${((body.length * 8) / bps).toFixed(2)} s)`,
    `steady-state rate by the proxy's count: ${(rate / 1e6).toFixed(2)} Mbit/s (${((rate / bps) * 100).toFixed(1)} % of target)`,
    `unlimited again: the same upload in ${unlimited.toFixed(2)} s`,
    `40 MB offered at once: ${(firstSecond / 1e6).toFixed(2)} MB forwarded in the first second`,
  ].join('\n') + '\n',
);
await proxy.close();
server.closeAllConnections();
server.close();
