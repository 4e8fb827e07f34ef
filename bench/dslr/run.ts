/**
 * The tethered DSLR path against libgphoto2's virtual camera (scripts/vcamera), both engines side by
 * side in one run: the gphoto2 command (Gphoto2Backend, a process per mode) and the libgphoto2 addon
 * (Gphoto2AddonBackend, native/, in-process):
 *  - live view held: frames per second out of the backend from a 30 fps body over 10 s, and the
 *    share of the body's frames that did not come out (dropped), plus the unthrottled ceiling;
 *  - main event-loop delay (perf_hooks.monitorEventLoopDelay, p50/p99/max) while live view runs;
 *  - shutter → full-resolution JPEG on disk (trigger() resolving with the spooled file), from live
 *    view and from idle (listening for the body's button); live view frames again after a shot;
 *  - the body's own button → file delivered.
 * The virtual camera answers at memory speed; a real body over USB 2 adds its release and transfer
 * (a 24 MP JPEG of 8–12 MB: ~0.3–0.5 s at ~30 MB/s). Prints figures; no thresholds.
 *
 *   node --import tsx bench/dslr/run.ts            # both engines
 *   node --import tsx bench/dslr/run.ts addon      # one
 */
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IncomingShot } from '../../src/main/camera/cameraBackend.js';
import { Gphoto2AddonBackend } from '../../src/main/camera/gphoto2/Gphoto2AddonBackend.js';
import { Gphoto2Backend, type LiveFrame } from '../../src/main/camera/gphoto2/Gphoto2Backend.js';
import { loadGphoto2Addon } from '../../src/main/camera/gphoto2/gphoto2Addon.js';
// @ts-expect-error: a plain .mjs build script without types
import { ensureAddon } from '../../native/build.mjs';
import { until, virtualCameraRig } from '../../tests/integration/gphoto2Rig.js';

type Engine = 'cli' | 'addon';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (xs: number[]) => `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;

async function session(engine: Engine, extra: Record<string, string>) {
  const rig = await virtualCameraRig(extra);
  const frames: { at: number; f: LiveFrame }[] = [];
  const shots: { at: number; s: IncomingShot }[] = [];
  const opts = { env: rig.env, spoolDir: join(rig.dir, 'spool'), settings: { model: null, port: null, captureTarget: 'card' as const, keepAliveMinutes: 25 } };
  const backend = engine === 'cli' ? new Gphoto2Backend(opts) : new Gphoto2AddonBackend(opts);
  await backend.start({
    shot: (s: IncomingShot) => {
      shots.push({ at: performance.now(), s });
    },
    present: () => undefined,
    frame: (f: LiveFrame) => {
      frames.push({ at: performance.now(), f: { ...f, jpeg: Buffer.alloc(0), seq: f.jpeg.length } });
    },
  } as Parameters<Gphoto2Backend['start']>[0]);
  await until(() => backend.status().phase === 'idle', 'camera');
  return {
    rig,
    backend,
    frames,
    shots,
    async close() {
      await backend.close();
      rig.cleanup();
    },
  };
}

interface Row {
  fps30: string;
  dropped: string;
  unthrottled: string;
  loop: string;
  fromLive: string;
  liveBack: string;
  fromIdle: string;
  body: string;
}

async function liveView(engine: Engine, fps: string, seconds: number): Promise<{ fps: number; kb: number; loop: { p50: number; p99: number; max: number } }> {
  const s = await session(engine, { VCAMERA_LV_FPS: fps });
  s.backend.setLiveView(true);
  await until(() => s.frames.length > 5, 'first frames');
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const t0 = performance.now();
  const n0 = s.frames.length;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  h.disable();
  const n = s.frames.length - n0;
  const secs = (performance.now() - t0) / 1000;
  const kb = s.frames.slice(n0).reduce((a, x) => a + x.f.seq, 0) / Math.max(1, n) / 1024;
  await s.close();
  return { fps: n / secs, kb, loop: { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 } };
}

async function shutter(engine: Engine): Promise<Pick<Row, 'fromLive' | 'liveBack' | 'fromIdle' | 'body'>> {
  const s = await session(engine, { VCAMERA_LV_FPS: '30' });
  const fromLive: number[] = [];
  const liveBack: number[] = [];
  const fromIdle: number[] = [];
  const body: number[] = [];
  s.backend.setLiveView(true);
  await until(() => s.frames.length > 5, 'live view');
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const shot = await s.backend.trigger();
    const t1 = performance.now();
    if (shot.bytes.length < 1_000_000) throw new Error('not the full-resolution file');
    fromLive.push(t1 - t0);
    const n = s.frames.length;
    await until(() => s.frames.length > n, 'live view back');
    liveBack.push(s.frames.at(-1)!.at - t1);
    await new Promise((r) => setTimeout(r, 300));
  }
  s.backend.setLiveView(false);
  await until(() => s.backend.status().liveView === 'off', 'live view off');
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setTimeout(r, 1200)); // the listener is up
    const t0 = performance.now();
    await s.backend.trigger();
    fromIdle.push(performance.now() - t0);
  }
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setTimeout(r, 1500));
    const n = s.shots.length;
    const t0 = performance.now();
    s.rig.press();
    await until(() => s.shots.length > n, 'body shot');
    body.push(s.shots.at(-1)!.at - t0);
  }
  await s.close();
  return { fromLive: ms(fromLive), liveBack: ms(liveBack), fromIdle: ms(fromIdle), body: ms(body) };
}

async function measure(engine: Engine): Promise<Row> {
  const held = await liveView(engine, '30', 10);
  const ceiling = await liveView(engine, '0', 5);
  const shots = await shutter(engine);
  return {
    fps30: `${held.fps.toFixed(1)} fps (${held.kb.toFixed(0)} KB/frame)`,
    dropped: `${Math.max(0, (1 - held.fps / 30) * 100).toFixed(1)} %`,
    unthrottled: `${ceiling.fps.toFixed(0)} fps`,
    loop: `p50 ${held.loop.p50.toFixed(1)} / p99 ${held.loop.p99.toFixed(1)} / max ${held.loop.max.toFixed(1)} ms`,
    ...shots,
  };
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a): a is Engine => a === 'cli' || a === 'addon');
  const engines: Engine[] = wanted.length ? wanted : ['cli', 'addon'];
  if (engines.includes('addon')) {
    const built = ensureAddon({ quiet: true }) as { ok: boolean; reason?: string };
    const loaded = loadGphoto2Addon();
    if (!built.ok || !loaded.ok) throw new Error(`the addon is not available: ${built.reason ?? (loaded.ok ? '' : loaded.reason)}`);
  }
  const rows = new Map<Engine, Row>();
  for (const e of engines) {
    process.stderr.write(`measuring ${e}…\n`);
    rows.set(e, await measure(e));
  }
  const labels: [keyof Row, string][] = [
    ['fps30', 'live view from a 30 fps body'],
    ['dropped', 'frames not delivered'],
    ['unthrottled', 'live view, body unthrottled'],
    ['loop', 'event-loop delay during live view'],
    ['fromLive', 'shutter → JPEG on disk, from live view'],
    ['liveBack', 'live view frames again after a shot'],
    ['fromIdle', 'shutter → JPEG on disk, from idle'],
    ['body', 'body button → file delivered'],
  ];
  const head = ['', ...engines.map((e) => (e === 'cli' ? 'gphoto2 command' : 'libgphoto2 addon'))];
  console.log(`| ${head.join(' | ')} |`);
  console.log(`|${head.map(() => '---').join('|')}|`);
  for (const [k, label] of labels) console.log(`| ${label} | ${engines.map((e) => rows.get(e)![k]).join(' | ')} |`);
  console.log('\nmedian (min–max) of 6 shots each; virtual camera, this machine.');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
