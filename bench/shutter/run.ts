/**
 * Shutter → finished photo + verdict on a 24 MP JPEG through the station as the kiosk drives it: a
 * real station (temp folder) behind the real web shell, RPC over its WebSocket, the vision engine in
 * headless Chromium (the built check page, as the station's worker runs it). Two paths in one run,
 * alternating shot by shot so machine noise hits both:
 *
 * - base64: the RPC procedures the kiosk used up to issue 18's transport work — capture.submitStill
 *   (the still as base64), capture.analysisImage (the copy down as base64), capture.finish (the
 *   mask up at the analysis copy's size, the finished JPEG down, both base64);
 * - url:    the still POSTed as bytes to /media/still, capture.stillAnalysis + GET of the copy, the
 *   mask (≤ 512 px, as the worker now sends it) PUT to /media/mask, capture.finishShot + GET of
 *   the finished photo (src/main/web/stillMedia.ts).
 *
 * Stages: store (the webcam's still up and on disk; a DSLR's shot is already there), copy (the
 * analysis copy made and brought to the engine), vision, finish (mask up, finishing, photo down);
 * "from disk" = copy + vision + finish, the time a photographer waits after a DSLR shot.
 * Then the same with the machine busy (--loaded, default on): a real day export and a real sync
 * upload (bench/export, bench/sync, each in its own process) running beside the shots.
 * Needs `npm run build` first. Prints wall-clock figures (median, and the slowest shot); no
 * thresholds. On a shared machine the figures are noisy: compare the two paths within one run.
 *
 *   node --import tsx bench/shutter/run.ts [--runs 8] [--no-loaded]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import WebSocket from 'ws';
import { createAppContext } from '../../src/main/app/createAppContext.js';
import { packageRoot } from '../../src/main/app/packageRoot.js';
import { HeadlessChecker } from '../../src/main/check/headlessChecker.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { createHandlers } from '../../src/main/rpc/handlers.js';
import { createRouter } from '../../src/main/rpc/router.js';
import { startWebShell, type WebShell } from '../../src/main/web/webShell.js';
import type { InputOf, OutputOf, ProcedureName } from '../../src/shared/rpc/contract.js';
import { ServerMessage, WS_PROTOCOL_PREFIX } from '../../src/shared/rpc/wire.js';
import { SpecProfile } from '../../src/shared/spec/specProfile.js';
import { make24mp } from '../finish/still24mp.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '8' }, 'no-loaded': { type: 'boolean', default: false } } });
const RUNS = Number(values.runs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const STAGES = ['store', 'copy', 'vision', 'finish', 'fromDisk', 'rpcBytes'] as const;
type Stage = (typeof STAGES)[number];
type Path = 'base64' | 'url';

/** The kiosk's RPC over the web shell's WebSocket, as the renderer's WebSocketTransport speaks it. */
class Rpc {
  private nextId = 1;
  private waiting = new Map<number, (m: ServerMessage) => void>();
  /** Characters of RPC text both ways since the last reset: what crossed as JSON. */
  bytes = 0;
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const text = d.toString();
      this.bytes += text.length;
      const m = ServerMessage.parse(JSON.parse(text));
      if (m.type === 'result') this.waiting.get(m.id)?.(m);
    });
  }
  static open(shell: WebShell): Promise<Rpc> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${shell.port}/rpc`, [WS_PROTOCOL_PREFIX + shell.secret], { origin: `http://127.0.0.1:${shell.port}`, maxPayload: 64 * 1024 * 1024 });
      ws.once('open', () => resolve(new Rpc(ws)));
      ws.once('error', reject);
    });
  }
  call<N extends ProcedureName>(name: N, input: InputOf<N>): Promise<OutputOf<N>> {
    const id = this.nextId++;
    const text = JSON.stringify({ type: 'call', id, name, input });
    this.bytes += text.length;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (m) => {
        this.waiting.delete(id);
        if (m.type !== 'result') return;
        if (m.result.ok) resolve(m.result.value as OutputOf<N>);
        else reject(new Error(`${name}: ${m.result.error.code} ${m.result.error.en}`));
      });
      this.ws.send(text);
    });
  }
  close(): void {
    this.ws.close();
  }
}

interface Station {
  shell: WebShell;
  rpc: Rpc;
  key: string;
  orderId: string;
  close(): Promise<void>;
}

async function openStation(): Promise<Station> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-bench-shutter-'));
  const ctx = await createAppContext({ dataDir: dir, demo: true });
  const shell = await startWebShell({ port: 0, rendererDir: join(packageRoot(), 'dist', 'renderer'), dispatch: createRouter(createHandlers(ctx, 'websocket')), subscribe: ctx.subscribe });
  const rpc = await Rpc.open(shell);
  await rpc.call('auth.login', { pin: '1234' });
  const { key } = await rpc.call('media.session', {});
  const [student] = (await rpc.call('students.search', { taskCode: DEMO_TASK_CODE, query: '2022' })).students;
  const { orderId } = await rpc.call('checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId: student!.id });
  await rpc.call('capture.begin', { orderId });
  return {
    shell,
    rpc,
    key,
    orderId,
    async close() {
      rpc.close();
      await shell.close();
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function media(st: Station, path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(new URL(path, st.shell.url), { ...init, headers: { ...(init.headers as Record<string, string> | undefined), Authorization: `Bearer ${st.key}` } });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

async function shot(path: Path, st: Station, checker: HeadlessChecker, jpeg: Buffer, spec: SpecProfile): Promise<Record<Stage, number>> {
  st.rpc.bytes = 0;
  const t0 = performance.now();
  let captureId: string;
  if (path === 'base64') captureId = (await st.rpc.call('capture.submitStill', { orderId: st.orderId, camera: 'uvc', imageBase64: jpeg.toString('base64') })).captureId;
  else captureId = ((await (await media(st, `/media/still/${st.orderId}?camera=uvc`, { method: 'POST', body: new Uint8Array(jpeg) })).json()) as { captureId: string }).captureId;
  const t1 = performance.now();
  let copy: Buffer;
  let size: { width: number; height: number };
  if (path === 'base64') {
    const a = await st.rpc.call('capture.analysisImage', { captureId });
    copy = Buffer.from(a.jpegBase64, 'base64');
    size = a;
  } else {
    const a = await st.rpc.call('capture.stillAnalysis', { captureId });
    copy = Buffer.from(await (await media(st, a.url)).arrayBuffer());
    size = a;
  }
  const t2 = performance.now();
  const result = await checker.check(copy, spec);
  const t3 = performance.now();
  if (!result.face || !result.maskPngBase64) throw new Error('no face or no mask in the bench still');
  let finishedBytes: number;
  if (path === 'base64') {
    // The mask as the worker sent it before: at the analysis copy's size.
    const full = await sharp(Buffer.from(result.maskPngBase64, 'base64')).resize(size.width, size.height, { fit: 'fill' }).greyscale().png().toBuffer();
    const f = await st.rpc.call('capture.finish', { captureId, face: result.face, maskPngBase64: full.toString('base64'), verdict: result.verdict });
    finishedBytes = Buffer.from(f.finishedJpegBase64 ?? '', 'base64').length;
  } else {
    await media(st, `/media/mask/${captureId}`, { method: 'PUT', body: new Uint8Array(Buffer.from(result.maskPngBase64, 'base64')) });
    const f = await st.rpc.call('capture.finishShot', { captureId, face: result.face, mask: true, verdict: result.verdict });
    finishedBytes = (await (await media(st, f.finishedUrl!)).arrayBuffer()).byteLength;
  }
  const t4 = performance.now();
  if (finishedBytes < 10_000) throw new Error(`${path}: no finished photo`);
  return { store: t1 - t0, copy: t2 - t1, vision: t3 - t2, finish: t4 - t3, fromDisk: t4 - t1, rpcBytes: st.rpc.bytes };
}

async function measure(label: string, st: Station, checker: HeadlessChecker, jpeg: Buffer, spec: SpecProfile): Promise<void> {
  const stages: Record<Path, Record<Stage, number[]>> = {
    base64: { store: [], copy: [], vision: [], finish: [], fromDisk: [], rpcBytes: [] },
    url: { store: [], copy: [], vision: [], finish: [], fromDisk: [], rpcBytes: [] },
  };
  for (let i = 0; i < RUNS; i++) {
    for (const path of (i % 2 === 0 ? ['base64', 'url'] : ['url', 'base64']) as Path[]) {
      const r = await shot(path, st, checker, jpeg, spec);
      for (const k of STAGES) stages[path][k].push(r[k]);
    }
  }
  console.log(`\n${label}: 24 MP JPEG (${(jpeg.length / 1024 / 1024).toFixed(1)} MB), median of ${RUNS} shots per path (slowest in brackets), ms`);
  console.log(`  ${'stage'.padEnd(24)}${'base64 RPC'.padStart(16)}${'url'.padStart(16)}`);
  for (const k of STAGES) {
    const cell = (p: Path) =>
      (k === 'rpcBytes' ? `${(median(stages[p][k]) / 1024).toFixed(0)} KB` : `${median(stages[p][k]).toFixed(0)} (${Math.max(...stages[p][k]).toFixed(0)})`).padStart(16);
    const name = { store: 'store (webcam still up)', copy: 'analysis copy', vision: 'vision', finish: 'finish', fromDisk: 'from disk to verdict', rpcBytes: 'RPC text per shot' }[k];
    console.log(`  ${name.padEnd(24)}${cell('base64')}${cell('url')}`);
  }
}

/** A real day export and a real sync upload, each looping in its own process until stopped. */
function startLoad(): ChildProcess[] {
  const loop = (args: string[]) =>
    spawn('bash', ['-c', `while true; do ${process.execPath} --import tsx ${args.join(' ')} >/dev/null 2>&1; done`], { stdio: 'ignore', detached: true });
  return [loop(['bench/export/run.ts', '--students', '300']), loop(['bench/sync/run.ts', '--orders', '30', '--mbit', '100'])];
}

async function main(): Promise<void> {
  const spec = SpecProfile.parse(JSON.parse(readFileSync(new URL('../../resources/specs/xuexin.json', import.meta.url), 'utf8')));
  const { jpeg } = await make24mp();
  const st = await openStation();
  const t0 = performance.now();
  const checker = await HeadlessChecker.open();
  const opened = performance.now();
  try {
    // The first shot pays for the models (nothing warmed them here; the kiosk warms them while the
    // task and the student are picked, see bench/soak for the first shot as the kiosk takes it).
    const first = await shot('url', st, checker, jpeg, spec);
    console.log(`engine start ${(opened - t0).toFixed(0)} ms; first shot, models loading: from disk ${first.fromDisk.toFixed(0)} ms (vision ${first.vision.toFixed(0)})`);
    await measure('idle machine', st, checker, jpeg, spec);
    if (!values['no-loaded']) {
      const load = startLoad();
      try {
        // Let the export seed its station and the sync start moving bytes.
        await new Promise((r) => setTimeout(r, 15_000));
        await measure('busy machine (an export and a sync upload beside it)', st, checker, jpeg, spec);
      } finally {
        for (const p of load) if (p.pid) process.kill(-p.pid, 'SIGTERM');
      }
    }
    if (checker.blocked.length) console.log(`blocked requests: ${checker.blocked.join(', ')}`);
  } finally {
    await checker.close();
    await st.close();
  }
}

await main();
