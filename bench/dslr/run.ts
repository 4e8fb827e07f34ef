/**
 * The tethered DSLR path against libgphoto2's virtual camera (scripts/vcamera), through the real
 * gphoto2 command and the station's backend:
 *  - live view: frames per second that come out of the backend (split, ready for the renderer),
 *    with the body unthrottled (the pipeline's ceiling) and at a Nikon's 30 fps;
 *  - shutter → JPEG on disk: from trigger() to the downloaded full-resolution file complete in the
 *    spool folder, from live view (live view has to give way first) and from idle (listening for the
 *    body's button), and how long until live view shows frames again after a shot;
 *  - the body's own button → file delivered.
 * The virtual camera answers at memory speed; a real body over USB 2 adds its own transfer time
 * (a 24 MP JPEG of 8–12 MB: ~0.3–0.5 s at ~30 MB/s) and its release and write times.
 * Prints figures; no thresholds.
 *
 *   node --import tsx bench/dslr/run.ts
 */
import { join } from 'node:path';
import type { IncomingShot } from '../../src/main/camera/cameraBackend.js';
import { Gphoto2Backend, type LiveFrame } from '../../src/main/camera/gphoto2/Gphoto2Backend.js';
import { until, virtualCameraRig } from '../../tests/integration/gphoto2Rig.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)}, n=${xs.length})`;

async function session(extra: Record<string, string>) {
  const rig = await virtualCameraRig(extra);
  const frames: { at: number; f: LiveFrame }[] = [];
  const shots: { at: number; s: IncomingShot }[] = [];
  const backend = new Gphoto2Backend({ env: rig.env, spoolDir: join(rig.dir, 'spool'), settings: { model: null, port: null, captureTarget: 'card', keepAliveMinutes: 25 } });
  await backend.start({
    shot: (s: IncomingShot) => {
      shots.push({ at: performance.now(), s });
    },
    present: () => undefined,
    frame: (f: LiveFrame) => frames.push({ at: performance.now(), f }),
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

async function liveViewFps(label: string, fps: string): Promise<void> {
  const s = await session({ VCAMERA_LV_FPS: fps });
  s.backend.setLiveView(true);
  await until(() => s.frames.length > 0, 'first frame');
  const t0 = performance.now();
  const n0 = s.frames.length;
  await new Promise((r) => setTimeout(r, 10_000));
  const n = s.frames.length - n0;
  const secs = (performance.now() - t0) / 1000;
  const bytes = s.frames.slice(n0).reduce((a, x) => a + x.f.jpeg.length, 0) / Math.max(1, n);
  console.log(`live view, body ${label}: ${(n / secs).toFixed(1)} frames/s out of the backend (640×424, ${(bytes / 1024).toFixed(0)} KB/frame, ${n} frames in ${secs.toFixed(1)} s)`);
  await s.close();
}

async function shutter(): Promise<void> {
  const s = await session({ VCAMERA_LV_FPS: '30' });
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
  console.log(`shutter → JPEG on disk, from live view: ${fmt(fromLive)}`);
  console.log(`  live view frames again after the shot: ${fmt(liveBack)}`);
  console.log(`shutter → JPEG on disk, from idle (listening): ${fmt(fromIdle)}`);
  console.log(`body button → file delivered: ${fmt(body)} (the virtual camera sees the press at its next event poll)`);
  await s.close();
}

async function main(): Promise<void> {
  await liveViewFps('unthrottled', '0');
  await liveViewFps('at 30 fps', '30');
  await shutter();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
