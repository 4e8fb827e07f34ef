import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import type { IncomingShot } from '../../src/main/camera/cameraBackend.js';
import { Gphoto2Backend, type Gphoto2Settings, type Gphoto2Status, type Gphoto2Timing, type LiveFrame } from '../../src/main/camera/gphoto2/Gphoto2Backend.js';
import { until, virtualCameraRig, type VirtualCameraRig } from './gphoto2Rig.js';

/**
 * The gphoto2 backend against the real `gphoto2` command and libgphoto2's virtual camera (a Nikon
 * D750 with live view, built by scripts/vcamera): live view, shots, the body's button, and the
 * faults photographers meet, each produced by the camera itself (see liveview.patch).
 */

const FAST: Partial<Gphoto2Timing> = { probeEveryMs: 300, busyBaseMs: 150, liveViewRetryMs: 1500, stopGraceMs: 3000 };

interface Harness {
  rig: VirtualCameraRig;
  backend: Gphoto2Backend;
  shots: IncomingShot[];
  frames: LiveFrame[];
  faults: string[];
  statuses: Gphoto2Status[];
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
): Promise<Harness> {
  const rig = await virtualCameraRig(extra);
  beforeStart?.(rig);
  const backend = new Gphoto2Backend({
    env: rig.env,
    spoolDir: join(rig.dir, 'spool'),
    settings: { model: null, port: null, captureTarget: 'card', keepAliveMinutes: 25, ...settings },
    timing: { ...FAST, ...timing },
  });
  const h: Harness = {
    rig,
    backend,
    shots: [],
    frames: [],
    faults: [],
    statuses: [],
    async close() {
      await backend.close();
      rig.cleanup();
    },
  };
  await backend.start({
    shot: (s: IncomingShot) => {
      h.shots.push(s);
    },
    present: () => undefined,
    frame: (f: LiveFrame) => h.frames.push(f),
    status: (s: Gphoto2Status) => {
      h.statuses.push(s);
      if (s.fault && h.faults.at(-1) !== s.fault.code) h.faults.push(s.fault.code);
    },
  } as Parameters<Gphoto2Backend['start']>[0]);
  open.push(h);
  await until(() => backend.status().phase === 'idle', 'the camera to be found');
  return h;
}

function gphoto2Processes(rig: VirtualCameraRig): number {
  // Ours only: every gphoto2 we start carries this rig's HOME in its environment.
  const out = execFileSync('sh', ['-c', `for p in $(pgrep -x gphoto2); do tr '\\0' '\\n' < /proc/$p/environ 2>/dev/null | grep -qx 'HOME=${rig.env.HOME}' && echo $p; done; true`], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).length;
}

test('a tethered session: live view frames, a full-resolution shot, live view again, and the body button while idle', { timeout: 120_000 }, async () => {
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

  // The shutter from the station while live view runs: live view gives way, the shot is the
  // full-resolution still, then live view comes back.
  rig.setSubject('b');
  const shot = await backend.trigger();
  assert.ok(shot.bytes.equals(rig.still('b')), 'the downloaded file is the camera\'s full-resolution JPEG');
  assert.match(shot.source, /^DSC_0001\.JPG$/);
  const { width } = await sharp(shot.bytes).metadata();
  assert.ok(width! >= 4000);
  const before = h.frames.length;
  await until(() => h.frames.length >= before + 10, 'live view to come back after the shot');
  // Card target: the shot stays on the card too; the picture from before the session is untouched.
  assert.deepEqual(rig.cardFiles(), ['DSC_0000.JPG', 'DSC_0001.JPG']);

  // Live view off: the station listens for the body's own button.
  backend.setLiveView(false);
  await until(() => backend.status().liveView === 'off', 'live view to stop');
  await new Promise((r) => setTimeout(r, 800));
  rig.setSubject('c');
  rig.press();
  await until(() => h.shots.length === 1, 'the body-button shot to arrive');
  assert.ok(h.shots[0]!.bytes.equals(rig.still('c')));
  assert.equal(h.shots[0]!.source, 'DSC_0002.JPG');
  assert.ok(!h.faults.includes('claimed'), `never two processes on the camera (faults: ${h.faults.join(', ')})`);
  assert.ok(gphoto2Processes(rig) <= 1);
  await backend.close();
  assert.equal(gphoto2Processes(rig), 0, 'closing releases the camera');
  assert.equal(rig.state().controlmode, 0, 'and hands the body back');
});

test('DeviceBusy after a shot and a camera held by another program are retried until the shot is taken', { timeout: 120_000 }, async () => {
  const h = await harness({ VCAMERA_BUSY_MS: '6000' });
  const first = await h.backend.trigger();
  assert.equal(first.source, 'DSC_0001.JPG');
  // The body is still writing the first shot: the second is refused with DeviceBusy, then taken.
  const second = await h.backend.trigger();
  assert.equal(second.source, 'DSC_0002.JPG');
  assert.ok(h.faults.includes('busy'), `busy was seen and said (faults: ${h.faults.join(', ')})`);

  // gvfs-gphoto2 grabs the camera: "Could not claim the USB device" until it lets go.
  const release = await h.rig.holdCamera();
  const third = h.backend.trigger();
  await until(() => h.faults.includes('claimed'), 'the claim to be reported');
  await release();
  assert.equal((await third).source, 'DSC_0003.JPG');
  assert.equal(h.backend.status().fault, null, 'the fault clears once the shot is in');
});

test('the camera dropping off USB mid-shot: said, picked up again when plugged back, and the shot fetched from the card', { timeout: 120_000 }, async () => {
  const h = await harness({ VCAMERA_DISCONNECT_AFTER: '2' });
  await h.backend.trigger();
  const asked = Date.now();
  // Shot 2 is written to the card, then the camera falls off the bus before it says so.
  await assert.rejects(h.backend.trigger(), (err: Error & { details?: string[] }) => err.details?.[0] === 'camera:disconnected');
  assert.equal(h.backend.status().phase, 'absent');
  assert.equal(h.backend.status().fault?.code, 'disconnected');
  assert.ok(h.rig.cardFiles().includes('DSC_0002.JPG'));
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(h.shots.length, 0);
  h.rig.replug();
  await until(() => h.shots.length === 1, 'the stranded shot to be fetched');
  assert.equal(h.shots[0]!.source, 'DSC_0002.JPG');
  assert.ok(h.shots[0]!.takenAtMs <= asked + 50 && h.shots[0]!.takenAtMs >= asked - 5000, 'dated when it was asked for, so the station files it by that time');
  assert.ok(h.faults.includes('recovered-shot'));
  assert.equal(h.backend.status().phase, 'idle');
  // Nothing else was fetched: the picture from before the session stays on the card only.
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(h.shots.length, 1);
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
  // The photographer turns the mode dial: the next try succeeds.
  refused.rig.env.VCAMERA_LV_PROHIBIT = '0';
  await until(() => refused.frames.length >= 5, 'live view after the retry');
  await refused.close();

  const none = await harness({ VCAMERA_LIVEVIEW: '0' });
  none.backend.setLiveView(true);
  await until(() => none.backend.status().liveView === 'unsupported', 'no live view on this body');
  assert.equal(none.backend.status().fault?.code, 'liveview-unsupported');
  const shot = await none.backend.trigger();
  assert.equal(shot.source, 'DSC_0001.JPG');
  assert.equal(none.frames.length, 0);
});

test('live view ended by the body\'s timer is restarted, and keep-alive restarts it before the timer', { timeout: 120_000 }, async () => {
  const h = await harness({ VCAMERA_LV_TIMEOUT_FRAMES: '20' });
  h.backend.setLiveView(true);
  // 20 frames, then the body ends live view and will not restart it in that session.
  await until(() => h.faults.includes('liveview-ended'), 'the timeout to be noticed');
  await until(() => h.frames.length >= 45, 'live view to be restarted (twice)');
  await h.close();

  // Keep-alive renews live view before the body's timer runs out (here 0.8 s against a body that
  // gives up after 40 frames, 1.3 s at 30 fps): it never ends by itself, and frames keep coming.
  const k = await harness({ VCAMERA_LV_TIMEOUT_FRAMES: '40' }, {}, { keepAliveMs: 800 });
  k.backend.setLiveView(true);
  await until(() => k.frames.length >= 100, 'frames across several renewals', 60_000);
  assert.ok(!k.faults.includes('liveview-ended'), `the body's timer never ended it (faults: ${k.faults.join(', ')})`);
});

test('a gphoto2 killed mid-live-view leaves the body locked; the station unlocks it and the body button works again', { timeout: 120_000 }, async () => {
  const h = await harness({ VCAMERA_BODY_LOCK: '1' });
  h.backend.setLiveView(true);
  await until(() => h.frames.length >= 5, 'live view');
  assert.equal(h.rig.state().controlmode, 1, 'live view puts the body under the host\'s control');
  // The live-view process dies without handing the body back (a crash; here SIGKILL by its PID).
  const pids = JSON.parse(readFileSync(join(h.rig.dir, 'spool', '.children.json'), 'utf8')) as number[];
  assert.equal(pids.length, 1);
  process.kill(pids[0]!, 'SIGKILL');
  h.backend.setLiveView(false);
  await until(() => h.rig.state().controlmode === 0, 'the body to be handed back');
  await until(() => h.faults.includes('body-released'), 'the photographer to be told');
  await new Promise((r) => setTimeout(r, 800));
  h.rig.press();
  await until(() => h.shots.length >= 1, 'the body-button shot');
});

test('the virtual camera really locks the body: without the station\'s release, a button press is lost', { timeout: 60_000 }, async () => {
  // The control for the test above: the same camera state, listened to by a plain gphoto2.
  const rig = await virtualCameraRig({ VCAMERA_BODY_LOCK: '1' });
  try {
    execFileSync('sh', ['-c', `printf 'captures=0\\ncontrolmode=1\\nbusyuntil=0\\n' > ${rig.env.VCAMERA_STATE}`]);
    const out = await new Promise<string>((resolve) => {
      const child = execFileSync('sh', ['-c', `(sleep 1; touch ${rig.env.VCAMERA_BUTTON}) & gphoto2 --wait-event-and-download=3s --filename ${rig.dir}/x-%f.%C 2>&1`], { env: rig.env, encoding: 'utf8' });
      resolve(child);
    });
    assert.doesNotMatch(out, /Saving file/);
    assert.deepEqual(rig.cardFiles(), ['DSC_0000.JPG']);
  } finally {
    rig.cleanup();
  }
});

test('a file gphoto2 downloaded before the station crashed is offered again, dated so that it is held, never filed', { timeout: 60_000 }, async () => {
  const h = await harness({}, {}, {}, (rig) => {
    mkdirSync(join(rig.dir, 'spool'), { recursive: true });
    writeFileSync(join(rig.dir, 'spool', 'shot-1700000000000-DSC_0042.JPG'), rig.still('b'));
  });
  assert.equal(h.shots.length, 1);
  assert.equal(h.shots[0]!.source, 'DSC_0042.JPG');
  assert.equal(h.shots[0]!.takenAtMs, 0);
  assert.ok(h.shots[0]!.bytes.equals(h.rig.still('b')));
  assert.deepEqual(readdirSync(join(h.rig.dir, 'spool')).filter((n) => !n.startsWith('.')), [], 'taken over by the station, so gone from the spool');
});
