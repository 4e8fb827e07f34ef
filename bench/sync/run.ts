// bench/sync: a day's orders through a constrained link. The station works offline while N orders
// (original ~5 MB + finished ~40 KB each) pile up; then the link comes back at 20 Mbit/s through
// the fault proxy's shaper, and the station drains its outbox into the central server (its own
// process). Prints: throughput as a share of the link, requests per object, time to converge.
//
//   node --import tsx bench/sync/run.ts [--orders 1000] [--mbit 20] [--original-kb 5000] [--finished-kb 40]
// Needs `npm run build` (the server runs from dist/). 1,000 orders at 20 Mbit/s is ~35 minutes of
// transfer by arithmetic alone (5 GB); smaller runs print the same ratios.
import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedServer } from '../../src/main/app/embeddedServer.js';
import { capturePaths } from '../../src/main/capture/photoPaths.js';
import { insertCapture, setCaptureResult } from '../../src/main/db/queries/captures.js';
import { acceptCaptureForOrder } from '../../src/main/db/queries/orders.js';
import { enqueueJob } from '../../src/main/db/queries/outbox.js';
import { confirmCheckin } from '../../src/main/services/checkin.js';
import { DEMO_TASK_CODE } from '../../src/shared/demo/demoTask.js';
import { startFaultProxy } from '../../tests/helpers/faultProxy.js';
import { handVerdict } from '../../tests/helpers/stationCapture.js';
import { storeRosterRecords } from '../../src/main/roster/importRoster.js';
import { generateDemoStudents } from '../../src/shared/demo/demoRoster.js';
import { tempApp, tempDir } from '../../tests/helpers/tempApp.js';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '1000' },
    mbit: { type: 'string', default: '20' },
    'original-kb': { type: 'string', default: '5000' },
    'finished-kb': { type: 'string', default: '40' },
  },
});
const ORDERS = Number(values.orders);
const LINK_BPS = Number(values.mbit) * 1_000_000;
const ORIGINAL = Number(values['original-kb']) * 1000;
const FINISHED = Number(values['finished-kb']) * 1000;

const serverDir = tempDir('cc-bench-srv-');
const server = await startEmbeddedServer({ dataDir: serverDir.dir, port: 0, demo: true });
const target = new URL(server.url);
const proxy = await startFaultProxy({ target: { host: target.hostname, port: Number(target.port) }, bandwidthBitsPerSecond: LINK_BPS });
const app = await tempApp({ demo: true, syncTuning: { pullIntervalMs: 3_600_000, requestTimeoutMs: 60_000, uploadIdleTimeoutMs: 60_000 } });
await app.ctx.sync.enrol(proxy.url, server.enrolCode!, null);
await waitDrained(); // the first pulls (roster, reservations) happen before the clock starts
const operator = { id: 'op-photo-1', name: '摄影师 01', role: 'photographer' as const };

// The day offline: orders accepted into the outbox exactly as the capture service leaves them.
proxy.setOffline(true);
// The demo roster has 300 students; a bench day may have more, so they are added as a roster import would.
const extra = generateDemoStudents(ORDERS, 4242).map((st, i) => ({ ...st, studentNo: `BENCH${String(i).padStart(5, '0')}` }));
const { ids: studentIds } = storeRosterRecords(app.ctx, DEMO_TASK_CODE, extra);
if (new Set(studentIds).size < ORDERS) throw new Error(`only ${new Set(studentIds).size} distinct bench students for ${ORDERS} orders`);
const write = (path: string, bytes: Buffer) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return createHash('sha256').update(bytes).digest('hex');
};
let objectBytes = 0;
for (let i = 0; i < ORDERS; i++) {
  const { orderId } = confirmCheckin(app.ctx, operator, DEMO_TASK_CODE, studentIds[i]!, null);
  const captureId = randomUUID();
  const paths = capturePaths(app.ctx.dataDir, DEMO_TASK_CODE, orderId, captureId);
  const original = randomBytes(ORIGINAL);
  const finished = randomBytes(FINISHED);
  const sha = write(paths.original, original);
  const finishedSha = createHash('sha256').update(finished).digest('hex');
  const finishedPath = paths.finished(finishedSha);
  write(finishedPath, finished);
  objectBytes += ORIGINAL + FINISHED;
  const now = new Date().toISOString();
  app.ctx.db.transaction(() => {
    insertCapture(app.ctx.db, { id: captureId, order_id: orderId, original_path: paths.original, sha256: sha, camera: 'bench', taken_at: now, width: 4000, height: 6000 });
    setCaptureResult(app.ctx.db, captureId, { finished_path: finishedPath, finished_sha256: finishedSha, verdict_status: 'pass', still_checks: JSON.stringify(handVerdict()), face: null });
    const revision = acceptCaptureForOrder(app.ctx.db, { id: orderId, captureId, finishedPath, checks: JSON.stringify(handVerdict()), operatorId: operator.id, now });
    enqueueJob(app.ctx.db, { id: `order:${orderId}:r${revision}`, kind: 'order.upsert', order_id: orderId, payload: { orderId, revision } }, now);
    enqueueJob(app.ctx.db, { id: `photo:${orderId}:finished:${finishedSha}`, kind: 'photo.upload', order_id: orderId, payload: { orderId, captureId, role: 'finished', sha256: finishedSha }, bytes: FINISHED }, now);
    enqueueJob(app.ctx.db, { id: `photo:${orderId}:original:${sha}`, kind: 'photo.upload', order_id: orderId, payload: { orderId, captureId, role: 'original', sha256: sha }, bytes: ORIGINAL }, now);
  })();
}
const backlog = app.ctx.sync.status().backlog;
process.stdout.write(`offline day: ${ORDERS} orders, backlog ${backlog.jobs} jobs, ${(backlog.bytes / 1e6).toFixed(1)} MB\n`);

// The link returns.
const before = proxy.stats();
const t0 = performance.now();
proxy.setOffline(false);
// No kick: the station notices the network on its own (its probe while offline is capped at 30 s).
await waitDrained();
const seconds = (performance.now() - t0) / 1000;
const after = proxy.stats();
const up = after.bytesUp - before.bytesUp;
const down = after.bytesDown - before.bytesDown;
const requests = after.requests - before.requests;
const objects = ORDERS * 3; // the order, its original, its finished photo
const feedRequests = Object.entries(after.requestsByRoute).filter(([k]) => k.startsWith('GET /v1/feeds/')).reduce((n, [k, v]) => n + v - (before.requestsByRoute[k] ?? 0), 0);
const routes = Object.entries(after.requestsByRoute).map(([k, v]) => [k.replace(/\/orders\/[^/]+$/, '/orders/:id').replace(/\/uploads\/[^/]+$/, '/uploads/:id'), v - (before.requestsByRoute[k] ?? 0)] as const);
const linkShare = ((up + down) * 8) / seconds / LINK_BPS;
const goodput = (objectBytes * 8) / seconds / LINK_BPS;

process.stdout.write(
  [
    `link ${values.mbit} Mbit/s (both directions share it), orders ${ORDERS} × (${values['original-kb']} KB + ${values['finished-kb']} KB)`,
    `time to converge after the link returned: ${seconds.toFixed(1)} s`,
    `throughput: ${(linkShare * 100).toFixed(1)} % of the link (all bytes), photo bytes alone ${(goodput * 100).toFixed(1)} %   (target ≥ 90 %)`,
    `requests per object: ${(requests / objects).toFixed(3)} (${requests} requests / ${objects} objects, of which ${feedRequests} feed pulls)   (target ≤ 1.05)`,
    `requests by route: ${summarise(routes)}`,
  ].join('\n') + '\n',
);

await app.close();
await proxy.close();
await server.stop();
serverDir.cleanup();

async function waitDrained(): Promise<void> {
  for (;;) {
    const st = app.ctx.sync.status();
    if (st.parked.length) throw new Error(`parked: ${JSON.stringify(st.parked)}`);
    if (st.backlog.jobs === 0 && !st.uploading) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function summarise(rows: readonly (readonly [string, number])[]): string {
  const sum = new Map<string, number>();
  for (const [k, v] of rows) if (v) sum.set(k, (sum.get(k) ?? 0) + v);
  return [...sum].map(([k, v]) => `${k} ${v}`).join(', ');
}
