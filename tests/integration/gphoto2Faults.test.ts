import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { Gphoto2Backend, type Gphoto2Status, type LiveFrame } from '../../src/main/camera/gphoto2/Gphoto2Backend.js';
import { until, virtualCameraRig, type VirtualCameraRig } from './gphoto2Rig.js';

/**
 * Live-view failures. Unplugging mid-live-view is the virtual camera's own (every USB transfer then
 * fails as libusb's NO_DEVICE does). A live view that hangs, or that sends garbage, it cannot
 * produce: scripts/vcamera/fake-gphoto2.mjs plays those once (printing what the real command
 * prints), and runs the real gphoto2 for everything else.
 */

const FAKE = fileURLToPath(new URL('../../scripts/vcamera/fake-gphoto2.mjs', import.meta.url));
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups) await c();
});

async function liveSession(rig: VirtualCameraRig, command?: string) {
  const frames: LiveFrame[] = [];
  const faults: string[] = [];
  const backend = new Gphoto2Backend({
    ...(command ? { command } : {}),
    env: rig.env,
    spoolDir: join(rig.dir, 'spool'),
    settings: { model: null, port: null, captureTarget: 'card', keepAliveMinutes: 25 },
    timing: { probeEveryMs: 300, firstFrameMs: 3000, frameStallMs: 2000, garbageBytes: 1024 * 1024, stopGraceMs: 1500 },
  });
  await backend.start({
    shot: () => undefined,
    present: () => undefined,
    frame: (f: LiveFrame) => frames.push(f),
    status: (s: Gphoto2Status) => {
      if (s.fault && faults.at(-1) !== s.fault.code) faults.push(s.fault.code);
    },
  } as Parameters<Gphoto2Backend['start']>[0]);
  cleanups.push(async () => {
    await backend.close();
    rig.cleanup();
  });
  await until(() => backend.status().phase === 'idle', 'the camera');
  return { backend, frames, faults };
}

test('unplugged during live view: said, and live view comes back by itself when the camera does', { timeout: 120_000 }, async () => {
  const rig = await virtualCameraRig();
  const { backend, frames, faults } = await liveSession(rig);
  backend.setLiveView(true);
  await until(() => frames.length >= 10, 'live view');
  rig.unplug();
  await until(() => backend.status().phase === 'absent', 'the loss to be noticed');
  assert.equal(backend.status().fault?.code, 'disconnected');
  assert.match(backend.status().fault!.zh, /连接断开/);
  const seen = frames.length;
  rig.replug();
  await until(() => frames.length >= seen + 10, 'live view after the camera is back');
  assert.equal(backend.status().fault, null);
  assert.deepEqual(faults, ['disconnected']);
});

test('a live view that hangs (no frame, deaf to Ctrl-C) is killed and started again', { timeout: 120_000 }, async () => {
  const rig = await virtualCameraRig();
  rig.env.FAKE_GPHOTO2_FAULT_FILE = join(rig.dir, 'fault');
  const { backend, frames, faults } = await liveSession(rig, FAKE);
  writeFileSync(join(rig.dir, 'fault'), 'hang');
  backend.setLiveView(true);
  await until(() => faults.includes('liveview-stalled'), 'the hang to be noticed');
  await until(() => frames.length >= 10, 'real live view after the restart');
  // It had to be killed, so the body may still be held: the station hands it back when it next listens.
  backend.setLiveView(false);
  await until(() => faults.includes('body-released'), 'the body to be released');
});

test('a live view that sends garbage is restarted; the garbage never reaches the screen', { timeout: 120_000 }, async () => {
  const rig = await virtualCameraRig();
  rig.env.FAKE_GPHOTO2_FAULT_FILE = join(rig.dir, 'fault');
  const { backend, frames, faults } = await liveSession(rig, FAKE);
  writeFileSync(join(rig.dir, 'fault'), 'garbage');
  backend.setLiveView(true);
  await until(() => faults.includes('liveview-garbage'), 'the garbage to be noticed');
  assert.equal(frames.length, 0, 'no frame came out of the garbage');
  await until(() => frames.length >= 10, 'real live view after the restart');
  assert.ok(frames.every((f) => f.width === 640 && f.height === 424));
});
