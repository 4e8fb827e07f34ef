import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PORTRAIT_DIR, PORTRAIT_FACES, scaleFace, type PortraitId } from '../../bench/finish/portraitFixtures.js';
import * as variants from '../../bench/match/variants.js';
import { listAudit } from '../../src/main/db/queries/audit.js';
import { getOrderFaceMatch } from '../../src/main/db/queries/admissionPhotos.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { importAdmissionFolder } from '../../src/main/faceMatch/admissionPhotos.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { handVerdict } from '../helpers/stationCapture.js';
import type { CheckId } from '../../src/shared/spec/specProfile.js';
import { tempApp, tempDir } from '../helpers/tempApp.js';
import { filesUnder } from '../helpers/filesUnder.js';

type App = Awaited<ReturnType<typeof tempApp>>;

interface DemoStudent {
  id: string;
  name: string;
  idNumber: string;
  studentNo: string;
}

function demoStudents(app: App, n: number): DemoStudent[] {
  const rows = app.ctx.db
    .prepare(
      `SELECT s.id, s.name, s.id_enc, s.student_no FROM students s WHERE s.task_code = ? AND s.id_enc IS NOT NULL AND s.student_no IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM reservations r WHERE r.student_id = s.id AND r.state = 'cancelled') ORDER BY s.student_no LIMIT ?`,
    )
    .all(DEMO_TASK_CODE, n) as Array<{ id: string; name: string; id_enc: string; student_no: string }>;
  return rows.map((r) => ({ id: r.id, name: r.name, idNumber: app.ctx.pii.decrypt(r.id_enc), studentNo: r.student_no }));
}

/** Check-in, a real portrait as the shot, finished with the hand-measured face (Node has no landmarker). */
async function shoot(
  app: App,
  s: Session,
  studentId: string,
  portrait: PortraitId,
): Promise<{ orderId: string; captureId: string; overrides: Array<{ checkId: CheckId; reason: string }> }> {
  const { orderId } = await app.call(s, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId });
  await app.call(s, 'capture.begin', { orderId });
  const bytes = readFileSync(join(PORTRAIT_DIR, `portrait-${portrait}.jpg`));
  const shot = await app.call(s, 'capture.submitStill', { orderId, camera: 'uvc', imageBase64: bytes.toString('base64') });
  const analysis = await app.call(s, 'capture.analysisImage', { captureId: shot.captureId });
  const face = scaleFace(PORTRAIT_FACES[portrait], analysis.scale, 0, 0, analysis.width, analysis.height);
  const finished = await app.call(s, 'capture.finish', { captureId: shot.captureId, face, maskPngBase64: null, verdict: handVerdict() });
  // Framing is judged again on the original; a check that fails for a portrait is overridden here,
  // so that only the face match stands between the shot and acceptance.
  const overrides = finished.verdict.checks.filter((c) => c.status === 'fail').map((c) => ({ checkId: c.id, reason: '测试：构图不在本测试范围' }));
  return { orderId, captureId: shot.captureId, overrides };
}

describe('face match at the station: admission photos imported, compared with the shot, acceptance gated and audited', () => {
  let app: App;
  let photographer: Session;
  let manager: Session;
  let students: DemoStudent[];
  const folder = tempDir('cc-admission-');
  const admissionA = readFileSync(join(PORTRAIT_DIR, 'portrait-a.jpg'));
  const admissionC = readFileSync(join(PORTRAIT_DIR, 'portrait-c.jpg'));
  before(async () => {
    app = await tempApp({ demo: true });
    photographer = await app.loggedIn('1234');
    manager = await app.loggedIn('9999');
    students = demoStudents(app, 4);
    // Student 0 by ID number (lower-case x would be accepted too), 1 by 学号, 2 a halftone scan, 3 none.
    copyFileSync(join(PORTRAIT_DIR, 'portrait-a.jpg'), join(folder.dir, `${students[0]!.idNumber}.jpg`));
    writeFileSync(join(folder.dir, `${students[1]!.studentNo}.jpg`), admissionC);
    writeFileSync(join(folder.dir, `${students[2]!.studentNo}.jpg`), await variants.halftoneScan(readFileSync(join(PORTRAIT_DIR, 'portrait-b.jpg'))));
    writeFileSync(join(folder.dir, '99999999999.jpg'), admissionA);
    writeFileSync(join(folder.dir, '110101199001011237.png'), admissionA);
    writeFileSync(join(folder.dir, 'notes.txt'), 'not a photo');
    writeFileSync(join(folder.dir, `${students[3]!.studentNo}-broken.jpg`), 'x');
    mkdirSync(join(folder.dir, 'sub'));
  });
  after(async () => {
    await app.close();
    folder.cleanup();
  });

  test('a folder import: by ID number and 学号, unknown names and non-photos reported, ID numbers masked in the report', async () => {
    const photographerTry = await app.raw('faceMatch.importFolder', { taskCode: DEMO_TASK_CODE, folder: folder.dir }, photographer);
    assert.ok(!photographerTry.ok && photographerTry.error.code === 'FORBIDDEN', 'managers only');
    const report = await app.call(manager, 'faceMatch.importFolder', { taskCode: DEMO_TASK_CODE, folder: folder.dir });
    assert.equal(report.files, 7);
    const byStudent = new Map(report.imported.map((i) => [i.studentId, i]));
    assert.equal(report.imported.length, 3);
    assert.deepEqual(
      [0, 1, 2].map((k) => [byStudent.get(students[k]!.id)?.matchedBy, byStudent.get(students[k]!.id)?.faceFound]),
      [
        ['idNumber', true],
        ['studentNo', true],
        ['studentNo', true],
      ],
    );
    assert.deepEqual(byStudent.get(students[0]!.id)!.issues, []);
    assert.deepEqual(byStudent.get(students[2]!.id)!.issues, ['printed_scan']);
    assert.equal(byStudent.get(students[0]!.id)!.file, `${students[0]!.idNumber.slice(0, 4)}${'*'.repeat(10)}${students[0]!.idNumber.slice(-4)}.jpg`);
    assert.deepEqual(report.unknown.sort(), [`${students[3]!.studentNo}-broken.jpg`, '1101**********1237.png', '99999999999.jpg'].sort());
    // "<学号>-broken.jpg" names nobody (the stem is not a 学号); notes.txt is not a photo.
    assert.ok(report.unknown.includes(`${students[3]!.studentNo}-broken.jpg`) || report.failed.some((f) => f.file === `${students[3]!.studentNo}-broken.jpg`));
    assert.deepEqual(report.failed.map((f) => f.file), ['notes.txt']);
    const rendered = JSON.stringify(report);
    assert.ok(!rendered.includes(students[0]!.idNumber), 'no whole ID number in the report');
    const audit = listAudit(app.ctx.db).find((a) => a.action === 'admission_photos.import');
    assert.ok(audit && !audit.detail!.includes(students[0]!.idNumber));

    const again = await app.call(manager, 'faceMatch.importFolder', { taskCode: DEMO_TASK_CODE, folder: folder.dir });
    assert.equal(again.imported.length, 0);
    assert.equal(again.unchanged.length, 3, 'embeddings are computed once: a re-import changes nothing');
  });

  test('photos and embeddings are encrypted at rest: the JPEG bytes are nowhere in the data folder', async () => {
    const needles = [admissionA, admissionC].map((b) => b.subarray(Math.floor(b.length / 2), Math.floor(b.length / 2) + 48));
    const headNeedle = admissionC.subarray(0, 600);
    for (const file of filesUnder(app.dir)) {
      const bytes = readFileSync(file);
      // Captured stills are stored in the clear by design (photos/): only admission photos are sealed, and
      // none of these portraits was shot here yet.
      for (const n of [...needles, headNeedle]) assert.equal(bytes.indexOf(n), -1, `plain admission photo bytes found in ${file}`);
    }
    const sealed = filesUnder(join(app.dir, 'admission'));
    assert.equal(sealed.length, 3);
    const card = await app.call(photographer, 'students.get', { taskCode: DEMO_TASK_CODE, studentId: students[0]!.id });
    assert.equal(card.student.hasAdmissionPhoto, true);
    const view = await app.call(photographer, 'faceMatch.admission', { studentId: students[0]!.id });
    assert.ok(view.present && view.faceFound && view.photoJpegBase64 && view.source === 'folder');
    const none = await app.call(photographer, 'faceMatch.admission', { studentId: students[3]!.id });
    assert.deepEqual([none.present, none.photoJpegBase64], [false, null]);
  });

  test('the right person passes and is accepted without a word; the order carries 比对通过 and the score', async () => {
    const { orderId, captureId, overrides } = await shoot(app, photographer, students[0]!.id, 'a');
    const { match } = await app.call(photographer, 'faceMatch.capture', { captureId });
    assert.equal(match?.decision, '比对通过');
    assert.ok(match!.score! >= match!.passAt);
    await app.call(photographer, 'capture.accept', { orderId, captureId, overrides });
    const fm = getOrderFaceMatch(app.ctx.db, orderId)!;
    assert.deepEqual([fm.face_match_decision, fm.face_match_override_reason], ['比对通过', null]);
    assert.equal(fm.face_match_score, match!.score);
    assert.equal(listAudit(app.ctx.db).filter((a) => a.action === 'face_match.override' && a.entity_id === orderId).length, 0);
  });

  test('another person in front of the camera: 比对不通过, acceptance refused until identity is confirmed with a reason, audited', async () => {
    // Student 1's admission photo is portrait-c; portrait-b sits in front of the camera.
    const { orderId, captureId, overrides } = await shoot(app, photographer, students[1]!.id, 'b');
    const { match } = await app.call(photographer, 'faceMatch.capture', { captureId });
    assert.equal(match?.decision, '比对不通过');
    assert.ok(match!.score! < match!.failBelow);
    const refused = await app.raw('capture.accept', { orderId, captureId, overrides }, photographer);
    assert.ok(!refused.ok && refused.error.code === 'OVERRIDE_REQUIRED' && refused.error.details?.includes('face.match'), JSON.stringify(refused));
    const tooShort = await app.raw('capture.accept', { orderId, captureId, overrides, faceMatchReason: ' ' }, photographer);
    assert.ok(!tooShort.ok);
    assert.equal(app.ctx.db.prepare('SELECT status FROM orders WHERE id = ?').pluck().get(orderId), '采集中', 'nothing accepted yet');

    await app.call(photographer, 'capture.accept', { orderId, captureId, overrides, faceMatchReason: '已核对身份证原件，本人近期整容' });
    const fm = getOrderFaceMatch(app.ctx.db, orderId)!;
    assert.deepEqual([fm.face_match_decision, fm.face_match_override_reason], ['比对不通过', '已核对身份证原件，本人近期整容']);
    const audit = listAudit(app.ctx.db).filter((a) => a.action === 'face_match.override' && a.entity_id === orderId);
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.reason, '已核对身份证原件，本人近期整容');
    assert.equal(audit[0]!.operator_id, photographer.operator!.id);
    assert.match(audit[0]!.detail!, /比对不通过/);
    assert.match(audit[0]!.detail!, new RegExp(captureId));
  });

  test('an admission photo with an issue (a scanned print) never passes by itself: 需人工确认 even for the same person', async () => {
    const { orderId, captureId, overrides } = await shoot(app, photographer, students[2]!.id, 'b');
    const { match } = await app.call(photographer, 'faceMatch.capture', { captureId });
    assert.equal(match?.decision, '需人工确认');
    assert.ok(match!.score! >= match!.threshold, `same person: ${match!.score}`);
    assert.deepEqual(match!.issues, [{ side: 'admission', code: 'printed_scan' }]);
    const refused = await app.raw('capture.accept', { orderId, captureId, overrides }, photographer);
    assert.ok(!refused.ok && refused.error.details?.includes('face.match'));
  });

  test('no admission photo: nothing to compare, acceptance as before, the order carries 未比对', async () => {
    const { orderId, captureId, overrides } = await shoot(app, photographer, students[3]!.id, 'c');
    const { match } = await app.call(photographer, 'faceMatch.capture', { captureId });
    assert.equal(match, null);
    await app.call(photographer, 'capture.accept', { orderId, captureId, overrides });
    const fm = getOrderFaceMatch(app.ctx.db, orderId)!;
    assert.deepEqual([fm.face_match_decision, fm.face_match_score, fm.face_match_override_reason], ['未比对', null, null]);
  });

  test('the service function imports without the RPC layer (for the later sync feed and scripts)', async () => {
    const report = await importAdmissionFolder(app.ctx, null, DEMO_TASK_CODE, folder.dir);
    assert.equal(report.unchanged.length, 3);
    await assert.rejects(importAdmissionFolder(app.ctx, null, DEMO_TASK_CODE, join(folder.dir, 'missing')), /NOT_FOUND/);
  });
});
