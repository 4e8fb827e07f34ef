import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { PORTRAIT_DIR, PORTRAIT_FACES, scaleFace } from '../../bench/finish/portraitFixtures.js';
import { listAudit } from '../../src/main/db/queries/audit.js';
import { listJobsForOrder } from '../../src/main/db/queries/outbox.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import type { Session } from '../../src/main/services/AppContext.js';
import type { Verdict } from '../../src/shared/vision/verdict.js';
import { tempApp } from '../helpers/tempApp.js';
import { handVerdict } from '../helpers/stationCapture.js';

const verdict = handVerdict;

describe('capture: a shot stored durably, finished to the spec, accepted into the order', () => {
  let app: Awaited<ReturnType<typeof tempApp>>;
  let s: Session;
  let orderId: string;
  before(async () => {
    app = await tempApp({ demo: true });
    s = await app.loggedIn();
    const [student] = (await app.call(s, 'students.search', { taskCode: DEMO_TASK_CODE, query: '2022' })).students;
    orderId = (await app.call(s, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId: student!.id })).orderId;
  });
  after(() => app.close());

  test('shoot → analysis copy → finish → accept with an audited override; the original is kept untouched', async () => {
    const begin = await app.call(s, 'capture.begin', { orderId });
    assert.equal(begin.spec.id, 'xuexin');
    const original = readFileSync(join(PORTRAIT_DIR, 'portrait-a.jpg'));
    const shot = await app.call(s, 'capture.submitStill', { orderId, camera: 'uvc', imageBase64: original.toString('base64') });
    assert.deepEqual([shot.width, shot.height], [874, 1200]);
    const row = app.ctx.db.prepare('SELECT original_path, sha256 FROM captures WHERE id = ?').get(shot.captureId) as { original_path: string; sha256: string };
    assert.deepEqual(readFileSync(row.original_path), original, 'the original is stored byte for byte');
    assert.equal(row.sha256, createHash('sha256').update(original).digest('hex'));
    assert.equal(app.ctx.db.prepare('SELECT status FROM orders WHERE id = ?').pluck().get(orderId), '采集中');

    const analysis = await app.call(s, 'capture.analysisImage', { captureId: shot.captureId });
    assert.ok(analysis.width <= 1600 && analysis.height <= 1600);

    // Face geometry in the analysis copy's pixels, as the renderer would send it.
    const face = scaleFace(PORTRAIT_FACES.a, analysis.scale, 0, 0, analysis.width, analysis.height);
    const finished = await app.call(s, 'capture.finish', { captureId: shot.captureId, face, maskPngBase64: null, verdict: verdict(['mouth.closed']) });
    assert.ok(finished.finishedJpegBase64);
    const meta = await sharp(Buffer.from(finished.finishedJpegBase64, 'base64')).metadata();
    assert.deepEqual([meta.width, meta.height, meta.density, meta.exif], [480, 640, 300, undefined]);

    assert.equal(finished.verdict.checks.find((c) => c.id === 'head.size')!.value! < 1, true, 'framing judged on the original: no upscale needed');
    const again = await app.raw('capture.finish', { captureId: shot.captureId, face, maskPngBase64: null, verdict: verdict() }, s);
    assert.ok(!again.ok && again.error.code === 'CONFLICT', 'a finished shot is final');
    const refused = await app.raw('capture.accept', { orderId, captureId: shot.captureId, overrides: [] }, s);
    assert.ok(!refused.ok && refused.error.code === 'OVERRIDE_REQUIRED' && refused.error.details?.includes('mouth.closed'));
    const accepted = await app.call(s, 'capture.accept', { orderId, captureId: shot.captureId, overrides: [{ checkId: 'mouth.closed', reason: '学生天生唇形，已确认' }] });
    // r1 check-in, r2 the first shot (已签到 → 采集中, sent so the server shows where capture stands), r3 accepted.
    assert.equal(accepted.revision, 3);
    const order = app.ctx.db.prepare('SELECT status, chosen_capture_id, finished_path, captured_at, sync_state FROM orders WHERE id = ?').get(orderId) as Record<string, string>;
    assert.equal(order.status, '已采集');
    assert.equal(order.chosen_capture_id, shot.captureId);
    assert.ok(existsSync(order.finished_path!));
    assert.equal(order.sync_state, 'pending');
    const jobs = listJobsForOrder(app.ctx.db, orderId).map((j) => j.kind).sort();
    assert.deepEqual(jobs, ['order.upsert', 'order.upsert', 'order.upsert', 'photo.upload', 'photo.upload']);
    const override = listAudit(app.ctx.db).find((a) => a.action === 'check.override' && a.entity_id === orderId);
    assert.equal(override?.reason, '学生天生唇形，已确认');
    assert.match(override!.detail!, /mouth\.closed/);
  });

  test('a verdict that does not follow from the spec (a stale or forged renderer) is refused', async () => {
    const original = readFileSync(join(PORTRAIT_DIR, 'portrait-b.jpg'));
    const shot = await app.call(s, 'capture.submitStill', { orderId, camera: 'uvc', imageBase64: original.toString('base64') });
    const forged: Verdict = { specId: 'xuexin', status: 'pass', checks: [] };
    const empty = await app.raw('capture.finish', { captureId: shot.captureId, face: null, maskPngBase64: null, verdict: forged }, s);
    assert.ok(!empty.ok && empty.error.code === 'BAD_INPUT');
    const lying = verdict();
    lying.checks[8] = { ...lying.checks[8]!, value: 0.9 }; // mouth wide open, still "pass"
    const r = await app.raw('capture.finish', { captureId: shot.captureId, face: null, maskPngBase64: null, verdict: lying }, s);
    assert.ok(!r.ok && r.error.code === 'BAD_INPUT' && r.error.details?.[0]?.includes('mouth.closed'));
  });

  test('a corrupt still is refused in words and leaves no capture behind', async () => {
    const before = app.ctx.db.prepare('SELECT count(*) FROM captures').pluck().get();
    const r = await app.raw('capture.submitStill', { orderId, camera: 'uvc', imageBase64: Buffer.from('not a jpeg at all').toString('base64') }, s);
    assert.ok(!r.ok && ['BAD_INPUT', 'FILE_TOO_LARGE'].includes(r.error.code) && r.error.zh && r.error.en);
    assert.equal(app.ctx.db.prepare('SELECT count(*) FROM captures').pluck().get(), before);
  });

  test('a shot with no face found is stored with its verdict but cannot be accepted', async () => {
    const blank = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#8899aa' } }).jpeg().toBuffer();
    const shot = await app.call(s, 'capture.submitStill', { orderId, camera: 'uvc', imageBase64: blank.toString('base64') });
    const r = await app.call(s, 'capture.finish', { captureId: shot.captureId, face: null, maskPngBase64: null, verdict: verdict(['face.count']) });
    assert.equal(r.finishedJpegBase64, null);
    const accept = await app.raw('capture.accept', { orderId, captureId: shot.captureId, overrides: [{ checkId: 'face.count', reason: '强行采用' }] }, s);
    assert.ok(!accept.ok && accept.error.code === 'CONFLICT');
  });
});

describe('main-side cameras: the hot folder files shots to the student in the chair; the simulated one plays demo photos', () => {
  let app: Awaited<ReturnType<typeof tempApp>>;
  before(async () => {
    app = await tempApp({ demo: true });
  });
  after(() => app.close());

  test('a manager sets a hot folder; a shot with nobody checked in is left alone and reported; one during capture is filed to that order', { timeout: 30_000 }, async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const folder = join(app.dir, 'tether');
    mkdirSync(folder);
    const events: Array<{ name: string; payload: unknown }> = [];
    app.ctx.subscribe((name, payload) => events.push({ name, payload }));
    const photographer = await app.loggedIn('1234');
    const denied = await app.raw('camera.set', { kind: 'hotfolder', hotFolder: folder }, photographer);
    assert.ok(!denied.ok && denied.error.code === 'FORBIDDEN');
    const manager = await app.loggedIn('9999');
    assert.deepEqual(await app.call(manager, 'camera.set', { kind: 'hotfolder', hotFolder: folder }), { kind: 'hotfolder', state: 'ready', hotFolder: folder });

    const jpeg = readFileSync(join(PORTRAIT_DIR, 'portrait-b.jpg'));
    writeFileSync(join(folder, 'IMG_0001.JPG'), jpeg);
    const waitFor = async (name: string) => {
      for (let i = 0; i < 100 && !events.some((e) => e.name === name); i++) await new Promise((r) => setTimeout(r, 100));
      return events.find((e) => e.name === name);
    };
    assert.deepEqual((await waitFor('capture.unassigned'))?.payload, { file: 'IMG_0001.JPG' });

    const [student] = (await app.call(photographer, 'students.search', { taskCode: DEMO_TASK_CODE, query: '2023' })).students;
    const { orderId } = await app.call(photographer, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId: student!.id });
    await app.call(photographer, 'capture.begin', { orderId });
    writeFileSync(join(folder, 'IMG_0002.JPG'), jpeg);
    const added = (await waitFor('capture.added'))?.payload as { orderId: string; captureId: string } | undefined;
    assert.equal(added?.orderId, orderId);
    assert.deepEqual((await app.call(photographer, 'capture.list', { orderId })).captures.map((c) => [c.id, c.camera]), [[added!.captureId, 'hotfolder']]);
    assert.ok(listAudit(app.ctx.db).some((a) => a.action === 'settings.camera'));

    // A late transfer of a shot taken before this student sat down is not filed to them.
    const { utimesSync } = await import('node:fs');
    events.length = 0;
    const late = join(folder, 'IMG_0002B.JPG');
    writeFileSync(late, jpeg);
    utimesSync(late, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    assert.deepEqual((await waitFor('capture.unassigned'))?.payload, { file: 'IMG_0002B.JPG' });
    assert.equal((await app.call(photographer, 'capture.list', { orderId })).captures.length, 1);

    // After the student leaves, shots are not filed to them.
    await app.call(photographer, 'capture.end', { orderId });
    events.length = 0;
    writeFileSync(join(folder, 'IMG_0003.JPG'), jpeg);
    assert.ok(await waitFor('capture.unassigned'));
    assert.equal((await app.call(photographer, 'capture.list', { orderId })).captures.length, 1);

    await app.call(manager, 'camera.set', { kind: 'simulated', hotFolder: null });
    const shot = await app.call(photographer, 'camera.trigger', { orderId });
    const list = (await app.call(photographer, 'capture.list', { orderId })).captures;
    assert.deepEqual(list.at(-1), { ...list.at(-1)!, id: shot.captureId, camera: 'simulated' });
  });
});
