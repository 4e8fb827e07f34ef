import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listAudit } from '../../src/main/db/queries/audit.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import type { Session } from '../../src/main/services/AppContext.js';
import type { EventName } from '../../src/shared/rpc/contract.js';
import { tempApp } from '../helpers/tempApp.js';
import { until, virtualCameraRig, type VirtualCameraRig } from './gphoto2Rig.js';

/**
 * The station with a tethered DSLR (the virtual camera): shots go to the student in front of the
 * camera and to nobody else; what cannot be filed is held, listed, and assigned by the photographer
 * (audited) to the student being photographed now.
 */
// The station picks the engine by itself (the addon where it is built); both are run here.
for (const engine of ['cli', 'addon'] as const)
describe(`station: a tethered DSLR through ${engine === 'cli' ? 'the gphoto2 command' : 'the libgphoto2 addon'}`, () => {
  let rig: VirtualCameraRig;
  let app: Awaited<ReturnType<typeof tempApp>>;
  let photographer: Session;
  let manager: Session;
  const events: Array<{ name: EventName; payload: unknown }> = [];
  const orders: string[] = [];

  before(async () => {
    rig = await virtualCameraRig();
    // The station's gphoto2 children see the virtual camera.
    Object.assign(process.env, rig.env);
    process.env.CC_GPHOTO2_ADDON = engine === 'cli' ? '0' : '1';
    app = await tempApp({ demo: true });
    app.ctx.subscribe((name, payload) => events.push({ name, payload }));
    photographer = await app.loggedIn('1234');
    manager = await app.loggedIn('9999');
    const students = (await app.call(photographer, 'students.search', { taskCode: DEMO_TASK_CODE, query: '2022' })).students;
    for (const st of students.slice(0, 3)) orders.push((await app.call(photographer, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId: st.id })).orderId);
    assert.equal(orders.length, 3);
  });
  after(async () => {
    delete process.env.CC_GPHOTO2_ADDON;
    await app.ctx.camera.close();
    await app.close();
    rig.cleanup();
  });

  const state = () => app.call(photographer, 'camera.get', {});
  const captures = async (orderId: string) => (await app.call(photographer, 'capture.list', { orderId })).captures;

  test('settings: a manager picks the camera and where shots go; the station finds it', { timeout: 60_000 }, async () => {
    const detected = await app.call(manager, 'camera.detect', {});
    assert.deepEqual(detected.cameras, [{ model: 'Nikon DSC D750', port: 'usb:001,001' }]);
    const denied = await app.raw('camera.set', { kind: 'gphoto2', hotFolder: null }, photographer);
    assert.ok(!denied.ok && denied.error.code === 'FORBIDDEN');
    const set = await app.call(manager, 'camera.set', {
      kind: 'gphoto2',
      hotFolder: null,
      dslr: { model: 'Nikon DSC D750', port: null, captureTarget: 'card', keepAliveMinutes: 25 },
    });
    assert.equal(set.kind, 'gphoto2');
    assert.equal(set.dslr?.settings.captureTarget, 'card');
    let s = await state();
    for (let i = 0; i < 200 && s.dslr?.phase !== 'idle'; i++) s = (await new Promise((r) => setTimeout(r, 100)), await state());
    assert.equal(s.dslr?.phase, 'idle');
    assert.equal(s.state, 'ready');
    assert.equal(s.dslr?.model, 'Nikon DSC D750');
    assert.ok(listAudit(app.ctx.db).some((a) => a.action === 'settings.camera' && a.detail?.includes('captureTarget')));
  });

  test('the station shutter files the full-resolution shot to the student being photographed; live view frames come as events', { timeout: 60_000 }, async () => {
    const [a] = orders;
    await app.call(photographer, 'capture.begin', { orderId: a! });
    await app.call(photographer, 'camera.liveView', { on: true });
    await until(() => events.filter((e) => e.name === 'camera.liveFrame').length >= 5, 'live-view frames as events');
    const frame = events.find((e) => e.name === 'camera.liveFrame')!.payload as { jpegBase64: string; width: number };
    assert.equal(frame.width, 640);
    assert.equal(Buffer.from(frame.jpegBase64, 'base64').subarray(0, 2).toString('hex'), 'ffd8');
    rig.setSubject('a');
    const { captureId } = await app.call(photographer, 'camera.trigger', { orderId: a! });
    const list = await captures(a!);
    assert.deepEqual(list.map((c) => [c.id, c.camera]), [[captureId, 'gphoto2']]);
    const row = app.ctx.db.prepare('SELECT original_path, width, height FROM captures WHERE id = ?').get(captureId) as { original_path: string; width: number; height: number };
    const { readFileSync } = await import('node:fs');
    assert.ok(readFileSync(row.original_path).equals(rig.still('a')), 'the original is the camera\'s JPEG, byte for byte');
    assert.ok(row.height >= 5000);
    assert.equal(app.ctx.db.prepare('SELECT status FROM orders WHERE id = ?').pluck().get(a!), '采集中');
    await app.call(photographer, 'camera.liveView', { on: false });
  });

  test('a shot from the body\'s button with nobody in front of the camera is held, listed, and assigned to the next student (audited)', { timeout: 60_000 }, async () => {
    const [a, b] = orders;
    await app.call(photographer, 'capture.end', { orderId: a! });
    events.length = 0;
    await new Promise((r) => setTimeout(r, 1000)); // the station is listening again
    rig.setSubject('b');
    rig.press();
    await until(() => events.some((e) => e.name === 'capture.unassigned'), 'the shot to be held');
    const { heldId } = events.find((e) => e.name === 'capture.unassigned')!.payload as { file: string; heldId: string };
    assert.ok(heldId);
    const held = (await app.call(photographer, 'camera.held', {})).held;
    assert.deepEqual(held.map((h) => [h.id, h.reason, h.camera]), [[heldId, 'no-student', 'gphoto2']]);
    assert.equal((await captures(a!)).length, 1, 'not filed to the student who left');

    // Only to the student being photographed now.
    const refused = await app.raw('camera.assignHeld', { heldId, orderId: b!, reason: '学生在拍摄前按了快门' }, photographer);
    assert.ok(!refused.ok && refused.error.code === 'CONFLICT');
    await app.call(photographer, 'capture.begin', { orderId: b! });
    const preview = await app.call(photographer, 'camera.heldImage', { heldId });
    assert.ok(preview.jpegBase64.length > 1000);
    const { captureId } = await app.call(photographer, 'camera.assignHeld', { heldId, orderId: b!, reason: '学生在拍摄前按了快门' });
    assert.deepEqual((await captures(b!)).map((c) => c.id), [captureId]);
    assert.deepEqual((await app.call(photographer, 'camera.held', {})).held, []);
    const audit = listAudit(app.ctx.db).find((x) => x.action === 'capture.assignHeld');
    assert.equal(audit?.entity_id, b);
    assert.equal(audit?.reason, '学生在拍摄前按了快门');
    assert.ok(audit?.detail?.includes(heldId));
    await app.call(photographer, 'capture.end', { orderId: b! });
  });

  // Last in each run: its shots add to the card the tests above count.
  const portraitTest = () => test('a body held in portrait: after a portrait shot live view is turned upright, after a landscape one it is not', { timeout: 60_000 }, async () => {
    const [a] = orders;
    await app.call(photographer, 'capture.begin', { orderId: a! });
    await app.call(photographer, 'camera.liveView', { on: true });
    const frames = () => events.filter((e) => e.name === 'camera.liveFrame').map((e) => e.payload as { rotation?: number });
    await until(() => frames().length >= 3, 'live view');
    assert.equal(frames().at(-1)!.rotation, 0, 'upright until a shot says otherwise');
    // The body's orientation sensor writes EXIF Orientation 6 (turned 90° clockwise) into the still.
    const { default: sharp } = await import('sharp');
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    writeFileSync(join(rig.dir, 'subject.jpg'), await sharp(rig.still('a')).withMetadata({ orientation: 6 }).jpeg().toBuffer());
    await app.call(photographer, 'camera.trigger', { orderId: a! });
    let n = frames().length;
    await until(() => frames().length >= n + 3, 'frames after the portrait shot');
    assert.equal(frames().at(-1)!.rotation, 90);
    rig.setSubject('a');
    await app.call(photographer, 'camera.trigger', { orderId: a! });
    n = frames().length;
    await until(() => frames().length >= n + 3, 'frames after the landscape shot');
    assert.equal(frames().at(-1)!.rotation, 0);
    await app.call(photographer, 'camera.liveView', { on: false });
    await app.call(photographer, 'capture.end', { orderId: a! });
  });

  // In-process, the body's events are read between live-view frames: the shot reaches the station
  // while its student is still in the chair.
  if (engine === 'addon') {
    test('a body-button shot taken during live view is filed at once to the student in the chair', { timeout: 60_000 }, async () => {
      const [, b] = orders;
      await app.call(photographer, 'capture.begin', { orderId: b! });
      await app.call(photographer, 'camera.liveView', { on: true });
      await until(() => app.ctx.camera.getState().dslr?.liveView === 'on', 'live view');
      const beforeB = (await captures(b!)).length;
      rig.setSubject('c');
      rig.press();
      let n = beforeB;
      for (let i = 0; i < 300 && n === beforeB; i++) n = (await new Promise((r) => setTimeout(r, 100)), (await captures(b!)).length);
      assert.equal(n, beforeB + 1);
      assert.deepEqual((await app.call(photographer, 'camera.held', {})).held, [], 'nothing held');
      await app.call(photographer, 'camera.liveView', { on: false });
    });
    portraitTest();
    return;
  }

  test('a body-button shot taken during live view that arrives after the next student was checked in is held, not filed to them', { timeout: 60_000 }, async () => {
    const [, b, c] = orders;
    await app.call(photographer, 'capture.begin', { orderId: b! });
    await app.call(photographer, 'camera.liveView', { on: true });
    await until(() => app.ctx.camera.getState().dslr?.liveView === 'on', 'live view');
    // The photographer presses the body's button during live view: it is on the card, not downloaded yet.
    rig.setSubject('c');
    rig.press();
    await until(() => rig.cardFiles().length === 4, 'the shot on the card');
    const beforeB = (await captures(b!)).length;
    // The next student sits down before live view stops (the screen changes).
    await app.call(photographer, 'capture.end', { orderId: b! });
    events.length = 0;
    await app.call(photographer, 'capture.begin', { orderId: c! });
    await app.call(photographer, 'camera.liveView', { on: false });
    await until(() => events.some((e) => e.name === 'capture.unassigned'), 'the late shot to be held');
    const held = (await app.call(photographer, 'camera.held', {})).held;
    assert.equal(held.length, 1);
    assert.equal(held[0]!.reason, 'next-student');
    assert.equal((await captures(c!)).length, 0, 'never filed to the student now in the chair');
    assert.equal((await captures(b!)).length, beforeB, 'nor silently to the one before');
    // A manager may discard it, with a reason (audited); it is kept aside, not deleted.
    await app.call(manager, 'camera.discardHeld', { heldId: held[0]!.id, reason: '误按快门，空镜头' });
    assert.deepEqual((await app.call(photographer, 'camera.held', {})).held, []);
    assert.ok(listAudit(app.ctx.db).some((x) => x.action === 'capture.discardHeld'));
  });
  portraitTest();
});
