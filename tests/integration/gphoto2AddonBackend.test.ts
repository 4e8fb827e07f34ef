import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, test } from 'node:test';
import sharp from 'sharp';
import type { IncomingShot } from '../../src/main/camera/cameraBackend.js';
import { Gphoto2AddonBackend } from '../../src/main/camera/gphoto2/Gphoto2AddonBackend.js';
import type { Gphoto2Settings, Gphoto2Status, Gphoto2Timing, LiveFrame } from '../../src/main/camera/gphoto2/Gphoto2Backend.js';
import { loadGphoto2Addon } from '../../src/main/camera/gphoto2/gphoto2Addon.js';
// @ts-expect-error: a plain .mjs build script without types
import { ensureAddon } from '../../native/build.mjs';
import { until, virtualCameraRig, type VirtualCameraRig } from './gphoto2Rig.js';

/**
 * The in-process backend (native/, libgphoto2 through N-API) against the same patched virtual
 * camera as the gphoto2-command backend (gphoto2Backend.test.ts): the same scenarios, plus what
 * only an in-process driver can get wrong — thousands of frames without growing memory, a shot
 * between two live-view frames, and the camera dropping off mid-frame and mid-download.
 * The virtual camera's port library is loaded into this process (IOLIBS), so these tests run one
 * camera at a time.
 */

const built = ensureAddon({ quiet: true }) as { ok: boolean; reason?: string };
const addon = loadGphoto2Addon();
if (!built.ok || !addon.ok) throw new Error(`the libgphoto2 addon must build here: ${built.reason ?? (addon.ok ? '' : addon.reason)}`);

// A full collection before each memory reading, whether or not the runner passed --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const FAST: Partial<Gphoto2Timing> = { probeEveryMs: 300, busyBaseMs: 150, liveViewRetryMs: 1500, stopGraceMs: 3000 };

interface Harness {
  rig: VirtualCameraRig;
  backend: Gphoto2AddonBackend;
  shots: IncomingShot[];
  frames: LiveFrame[];
  faults: string[];
  close(): Promise<void>;
}

const open: Harness[] = [];
after(async () => {
  for (const h of open) await h.close();
});

async function harness(
  extra: Record<string, string> = {},
  settings: Partial<Gphoto2Settings> = {},
  timing: Partial<Gphoto2Timing> = {},
  beforeStart?: (rig: VirtualCameraRig) => void,
  keepFrames = true,
): Promise<Harness> {
  // One camera at a time in this process: the previous test's session lets it go first.
  for (const h of open.splice(0)) await h.close();
  const rig = await virtualCameraRig(extra);
  beforeStart?.(rig);
  const backend = new Gphoto2AddonBackend({
    env: rig.env,
    spoolDir: join(rig.dir, 'spool'),
    settings: { model: null, port: null, captureTarget: 'card', keepAliveMinutes: 25, ...settings },
    timing: { ...FAST, ...timing },
    // The virtual camera is on no USB bus (gphoto2Hotplug.test.ts covers USB events).
    usb: { ok: false, reason: 'virtual camera' },
  });
  let closed = false;
  const h: Harness = {
    rig,
    backend,
    shots: [],
    frames: [],
    faults: [],
    async close() {
      if (closed) return;
      closed = true;
      await backend.close();
      rig.cleanup();
    },
  };
  let frameCount = 0;
  await backend.start({
    shot: (s: IncomingShot) => {
      h.shots.push(s);
    },
    present: () => undefined,
    frame: (f: LiveFrame) => {
      frameCount++;
      // Long runs keep only the latest frame (the test is about the backend's memory, not ours).
      if (keepFrames) h.frames.push(f);
      else h.frames[0] = { ...f, seq: frameCount };
    },
    status: (s: Gphoto2Status) => {
      if (s.fault && h.faults.at(-1) !== s.fault.code) h.faults.push(s.fault.code);
    },
  } as Parameters<Gphoto2AddonBackend['start']>[0]);
  open.push(h);
  await until(() => backend.status().phase === 'idle', 'the camera to be found');
  return h;
}

test('a tethered session in-process: live view frames, a full-resolution shot between two frames, live view on, and the body button while idle', { timeout: 120_000 }, async () => {
  const h = await harness();
  const { backend, rig } = h;
  assert.equal(backend.status().model, 'Nikon DSC D750');

  backend.setLiveView(true);
  await until(() => h.frames.length >= 10, 'ten live-view frames');
  assert.equal(backend.status().liveView, 'on');
  const frame = h.frames.at(-1)!;
  assert.deepEqual([frame.width, frame.height], [640, 424]);
  const meta = await sharp(frame.jpeg).metadata();
  assert.deepEqual([meta.width, meta.height], [640, 424], 'a frame is a whole JPEG');

  rig.setSubject('b');
  const shot = await backend.trigger();
  assert.ok(shot.bytes.equals(rig.still('b')), "the downloaded file is the camera's full-resolution JPEG");
  assert.equal(shot.source, 'DSC_0001.JPG');
  assert.ok((await sharp(shot.bytes).metadata()).width! >= 4000);
  assert.ok(shot.spoolPath && readdirSync(join(rig.dir, 'spool')).includes(`shot-${shot.takenAtMs}-DSC_0001.JPG`), 'the shot is on disk, whole, before it is handed over');
  const before = h.frames.length;
  await until(() => h.frames.length >= before + 10, 'live view frames after the shot');
  assert.equal(backend.status().liveView, 'on', 'live view never went off for the shot');
  assert.deepEqual(rig.cardFiles(), ['DSC_0000.JPG', 'DSC_0001.JPG']);
  // Frames are numbered without gaps the backend would hide.
  const seqs = h.frames.map((f) => f.seq);
  assert.deepEqual(seqs, seqs.map((_, i) => seqs[0]! + i));

  backend.setLiveView(false);
  await until(() => backend.status().liveView === 'off', 'live view to stop');
  rig.setSubject('c');
  rig.press();
  await until(() => h.shots.length === 1, 'the body-button shot to arrive');
  assert.ok(h.shots[0]!.bytes.equals(rig.still('c')));
  assert.equal(h.shots[0]!.source, 'DSC_0002.JPG');
  // The shot this station took is not delivered a second time when the body reports it.
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(h.shots.length, 1);
  assert.ok(!h.faults.includes('claimed'), `one owner of the camera (faults: ${h.faults.join(', ')})`);
  await h.close();
  // Closed means released: a second owner can open the camera now.
  const again = await harness();
  assert.equal(again.backend.status().phase, 'idle');
  await again.close();
});

test('the body button during live view is fetched without stopping live view', { timeout: 60_000 }, async () => {
  const h = await harness();
  h.backend.setLiveView(true);
  await until(() => h.frames.length >= 5, 'live view');
  h.rig.setSubject('c');
  h.rig.press();
  await until(() => h.shots.length === 1, 'the body-button shot');
  assert.ok(h.shots[0]!.bytes.equals(h.rig.still('c')));
  const n = h.frames.length;
  await until(() => h.frames.length > n + 5, 'live view still running');
});

test('DeviceBusy after a shot and a camera held by another program are retried until the shot is taken', { timeout: 120_000 }, async () => {
  const h = await harness({ VCAMERA_BUSY_MS: '3000' });
  const first = await h.backend.trigger();
  assert.equal(first.source, 'DSC_0001.JPG');
  // The body answers DeviceBusy while it writes the first: libgphoto2's own driver waits that out
  // inside one session (the gphoto2 command met it at each new process's start instead).
  const second = await h.backend.trigger();
  assert.equal(second.source, 'DSC_0002.JPG');
  assert.equal(h.backend.status().fault, null, 'the fault clears once the shot is in');
  await h.close();

  // gvfs-gphoto2 has the camera before the station starts: "Could not claim the USB device" until it lets go.
  const rig = await virtualCameraRig();
  const release = await rig.holdCamera();
  const backend = new Gphoto2AddonBackend({ env: rig.env, spoolDir: join(rig.dir, 'spool'), settings: { model: null, port: null, captureTarget: 'card', keepAliveMinutes: 25 }, timing: FAST });
  const faults: string[] = [];
  await backend.start({ shot: () => undefined, present: () => undefined, status: (s: Gphoto2Status) => s.fault && faults.push(s.fault.code) } as Parameters<Gphoto2AddonBackend['start']>[0]);
  try {
    await until(() => faults.includes('claimed'), 'the claim to be reported');
    assert.notEqual(backend.status().phase, 'idle');
    await release();
    await until(() => backend.status().phase === 'idle', 'the camera once it is let go');
    assert.equal((await backend.trigger()).source, 'DSC_0001.JPG');
  } finally {
    await backend.close();
    rig.cleanup();
  }
});

test('the camera dropping off USB mid-shot: said, picked up again when plugged back, and the shot fetched from the card', { timeout: 120_000 }, async () => {
  const h = await harness({ VCAMERA_DISCONNECT_AFTER: '2' });
  await h.backend.trigger();
  const asked = Date.now();
  await assert.rejects(h.backend.trigger(), (err: Error & { details?: string[] }) => err.details?.[0] === 'camera:disconnected');
  assert.equal(h.backend.status().phase, 'absent');
  assert.equal(h.backend.status().fault?.code, 'disconnected');
  assert.ok(h.rig.cardFiles().includes('DSC_0002.JPG'));
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(h.shots.length, 0);
  h.rig.replug();
  await until(() => h.shots.length === 1, 'the stranded shot to be fetched');
  assert.equal(h.shots[0]!.source, 'DSC_0002.JPG');
  assert.ok(h.shots[0]!.takenAtMs <= asked + 50 && h.shots[0]!.takenAtMs >= asked - 5000, 'dated when it was asked for');
  assert.ok(h.faults.includes('recovered-shot'));
  assert.equal(h.backend.status().phase, 'idle');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(h.shots.length, 1, 'the picture from before the session stays on the card only');
});

test('unplugged mid-frame: live view stops with the camera, is said, and comes back by itself when the camera does', { timeout: 120_000 }, async () => {
  const h = await harness();
  h.backend.setLiveView(true);
  await until(() => h.frames.length >= 10, 'live view');
  h.rig.unplug();
  await until(() => h.backend.status().phase === 'absent', 'the camera to be gone');
  assert.equal(h.backend.status().fault?.code, 'disconnected');
  assert.equal(h.backend.status().liveView, 'off');
  await assert.rejects(h.backend.trigger(), (err: Error & { details?: string[] }) => err.details?.[0] === 'camera:disconnected');
  const n = h.frames.length;
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(h.frames.length, n, 'no frames from an unplugged camera');
  h.rig.replug();
  await until(() => h.frames.length >= n + 10, 'live view after the camera is back');
  assert.equal(h.backend.status().fault, null);
});

test('unplugged mid-frame (the cable goes halfway through a live-view frame): no half frame reaches the screen, and live view comes back with the camera', { timeout: 120_000 }, async () => {
  const h = await harness({ VCAMERA_UNPLUG_IN_FRAME: '15' });
  h.backend.setLiveView(true);
  await until(() => h.backend.status().phase === 'absent', 'the camera to drop off mid-frame');
  assert.equal(h.backend.status().fault?.code, 'disconnected');
  // Frame 15 was cut: at most the 14 before it came through (the driver may skip the first), each whole.
  assert.ok(h.frames.length >= 10 && h.frames.length <= 14, `frames before the cut: ${h.frames.length}`);
  for (const f of h.frames) assert.deepEqual([(await sharp(f.jpeg).metadata()).width], [640]);
  // The next session of the camera counts its frames afresh: the switch is turned off first.
  h.rig.env.VCAMERA_UNPLUG_IN_FRAME = '';
  await new Promise((r) => setTimeout(r, 1000));
  h.rig.replug();
  await until(() => h.frames.length >= 30, 'live view after the camera is back');
  assert.equal(h.backend.status().fault, null);
});

test('unplugged mid-download (the cable goes halfway through fetching the shot): no half file is handed over, and the whole shot is fetched from the card when the camera is back', { timeout: 120_000 }, async () => {
  const h = await harness({ VCAMERA_UNPLUG_IN_DOWNLOAD: 'DSC_0001.JPG' });
  h.rig.setSubject('b');
  const asked = Date.now();
  await assert.rejects(h.backend.trigger(), (err: Error & { details?: string[] }) => err.details?.[0] === 'camera:disconnected');
  assert.equal(h.backend.status().phase, 'absent');
  assert.ok(h.rig.cardFiles().includes('DSC_0001.JPG'), 'the shot was taken: it is on the card');
  assert.deepEqual(readdirSync(join(h.rig.dir, 'spool')).filter((n) => !n.startsWith('.')), [], 'no part of it left in the spool');
  assert.equal(h.shots.length, 0);
  // The switch is turned off before the camera comes back (the station passes the environment at
  // its next search, a probe interval away), so the fetch after the replug runs clean.
  h.rig.env.VCAMERA_UNPLUG_IN_DOWNLOAD = '';
  await new Promise((r) => setTimeout(r, 1000));
  h.rig.replug();
  await until(() => h.shots.length === 1, 'the shot to be fetched from the card');
  assert.equal(h.shots[0]!.source, 'DSC_0001.JPG');
  assert.ok(h.shots[0]!.bytes.equals(h.rig.still('b')), 'whole, byte for byte');
  assert.ok(Math.abs(h.shots[0]!.takenAtMs - asked) < 5000, 'dated when it was asked for');
  assert.ok(h.faults.includes('recovered-shot'));
});

test('a full card is said plainly, before and when a shot is refused', { timeout: 120_000 }, async () => {
  const h = await harness({ VCAMERA_STORE_FULL_AFTER: '1' });
  assert.equal(h.backend.status().freeImages, 1);
  await h.backend.trigger();
  await assert.rejects(h.backend.trigger(), (err: Error & { details?: string[]; zh?: string }) => err.details?.[0] === 'camera:store-full' && /存储卡已满/.test(err.zh ?? ''));
  assert.equal(h.backend.status().fault?.code, 'store-full');
});

test('live view refused by the body, and a body without live view: said, retried, and shooting still works', { timeout: 120_000 }, async () => {
  const refused = await harness({ VCAMERA_LV_PROHIBIT: '0x80000000' });
  refused.backend.setLiveView(true);
  await until(() => refused.backend.status().liveView === 'refused', 'the refusal');
  assert.match(refused.backend.status().fault!.en, /Exposure Program Mode is not P\/A\/S\/M/);
  assert.match(refused.backend.status().fault!.zh, /拒绝开启实时取景/);
  refused.rig.env.VCAMERA_LV_PROHIBIT = '0';
  await until(() => refused.frames.length >= 5, 'live view after the retry');
  await refused.close();

  const none = await harness({ VCAMERA_LIVEVIEW: '0' });
  none.backend.setLiveView(true);
  await until(() => none.backend.status().liveView === 'unsupported', 'no live view on this body');
  assert.equal(none.backend.status().fault?.code, 'liveview-unsupported');
  assert.equal((await none.backend.trigger()).source, 'DSC_0001.JPG');
  assert.equal(none.frames.length, 0);
});

test("live view ended by the body's timer is restarted, and keep-alive restarts it before the timer", { timeout: 120_000 }, async () => {
  const h = await harness({ VCAMERA_LV_TIMEOUT_FRAMES: '20' });
  h.backend.setLiveView(true);
  await until(() => h.faults.includes('liveview-ended'), 'the timeout to be noticed');
  await until(() => h.frames.length >= 45, 'live view to be restarted (twice)');
  await h.close();

  const k = await harness({ VCAMERA_LV_TIMEOUT_FRAMES: '40' }, {}, { keepAliveMs: 800 });
  k.backend.setLiveView(true);
  await until(() => k.frames.length >= 100, 'frames across several renewals', 60_000);
  assert.ok(!k.faults.includes('liveview-ended'), `the body's timer never ended it (faults: ${k.faults.join(', ')})`);
});

test('a body a crashed station left locked is handed back when the station opens it, and its button works', { timeout: 60_000 }, async () => {
  const h = await harness({ VCAMERA_BODY_LOCK: '1' }, {}, {}, (rig) => {
    writeFileSync(rig.env.VCAMERA_STATE!, 'captures=0\ncontrolmode=1\nbusyuntil=0\n');
    // The station crashed with the camera open: its session marker is still in the spool folder.
    mkdirSync(join(rig.dir, 'spool'), { recursive: true });
    writeFileSync(join(rig.dir, 'spool', '.camera-open'), '12345');
  });
  assert.equal(h.rig.state().controlmode, 0, 'the body is handed back');
  // The control: without the marker (a clean close last time) nothing is said.
  assert.equal(h.faults.filter((f) => f === 'body-released').length, 1);
  assert.ok(h.faults.includes('body-released'), `the photographer is told (faults: ${h.faults.join(', ')})`);
  h.rig.press();
  await until(() => h.shots.length >= 1, 'the body-button shot');
});

test('a file downloaded before the station crashed is offered again, dated so that it is held; a half-written one is dropped', { timeout: 60_000 }, async () => {
  const h = await harness({}, {}, {}, (rig) => {
    mkdirSync(join(rig.dir, 'spool'), { recursive: true });
    writeFileSync(join(rig.dir, 'spool', 'shot-1700000000000-DSC_0042.JPG'), rig.still('b'));
    writeFileSync(join(rig.dir, 'spool', 'body-1700000000001-DSC_0043.JPG.part'), rig.still('b').subarray(0, 1000));
  });
  assert.equal(h.shots.length, 1);
  assert.equal(h.shots[0]!.source, 'DSC_0042.JPG');
  assert.equal(h.shots[0]!.takenAtMs, 0);
  assert.deepEqual(readdirSync(join(h.rig.dir, 'spool')).filter((n) => !n.startsWith('.')), []);
});

test('thousands of live-view frames: memory settles and does not grow with the frame count', { timeout: 300_000 }, async () => {
  const h = await harness({ VCAMERA_LV_FPS: '0' }, {}, {}, undefined, false);
  h.backend.setLiveView(true);
  const count = () => h.frames[0]?.seq ?? 0;
  await until(() => count() >= 2000, 'a warm-up of 2000 frames', 120_000);
  gc();
  const base = process.memoryUsage();
  const startSeq = count();
  await until(() => count() >= startSeq + 12_000, '12 000 more frames', 240_000);
  gc();
  const end = process.memoryUsage();
  const grownMb = (end.rss - base.rss) / 1024 / 1024;
  // 12 000 frames of ~22 KB are ~260 MB through the backend: a leak of one frame each would show as
  // that, far above what the allocator's own settling (tens of MB on a busy machine) moves.
  assert.ok(grownMb < 64, `resident memory grew ${grownMb.toFixed(1)} MB over 12 000 frames`);
  assert.ok((end.external - base.external) / 1024 / 1024 < 20, 'Buffers are not kept');
});
