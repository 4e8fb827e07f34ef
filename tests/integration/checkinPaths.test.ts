import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { newSigningKey, signReservationToken } from '../../src/shared/checkin/reservationToken.js';
import type { ScanOutcome } from '../../src/shared/checkin/scanOutcome.js';
import { listAudit } from '../../src/main/db/queries/audit.js';
import { listJobsForOrder } from '../../src/main/db/queries/outbox.js';
import { signDemoToken } from '../../src/shared/demo/demoIssuer.js';
import { generateDemoStudents } from '../../src/shared/demo/demoRoster.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { tempApp } from '../helpers/tempApp.js';

interface ReservationFixture {
  id: string;
  student_id: string;
  token: string;
  slot_id: string;
}

describe('check-in paths on the demo task (real store, real router)', () => {
  let app: Awaited<ReturnType<typeof tempApp>>;
  let s: Session;
  const roster = generateDemoStudents(300);
  const reservation = (state: 'active' | 'cancelled', offset = 0): ReservationFixture =>
    app.ctx.db
      .prepare(`SELECT id, student_id, token, slot_id FROM reservations WHERE state = ? ORDER BY id LIMIT 1 OFFSET ?`)
      .get(state, offset) as ReservationFixture;
  const scan = async (text: string): Promise<ScanOutcome> => (await app.call(s, 'checkin.scan', { taskCode: DEMO_TASK_CODE, text, source: 'scanner' })).outcome;
  const refusal = async (text: string) => {
    const o = await scan(text);
    assert.equal(o.kind, 'refused', JSON.stringify(o));
    return o as Extract<ScanOutcome, { kind: 'refused' }>;
  };

  before(async () => {
    app = await tempApp({ demo: true });
    s = await app.loggedIn();
  });
  after(() => app.close());

  test('a reservation QR from the demo issuer identifies its student, whitespace from a scanner ignored', async () => {
    const r = reservation('active');
    assert.deepEqual(await scan(`${r.token}\r\n`), { kind: 'student', via: 'reservation', studentId: r.student_id });
  });

  test('each failing reservation code has its own reason and words in both languages', async () => {
    const r = reservation('active', 1);
    const payload = { rid: r.id, sid: r.student_id, task: DEMO_TASK_CODE, slot: r.slot_id, exp: Math.floor(Date.now() / 1000) + 3600 };

    const forged = await refusal(signReservationToken(payload, newSigningKey()));
    assert.equal(forged.reason, 'bad_signature');
    assert.match(forged.zh, /伪造|篡改/);
    assert.match(forged.en, /forged/);

    const flipped = r.token.slice(0, 20) + (r.token[20] === 'A' ? 'B' : 'A') + r.token.slice(21);
    assert.ok(['bad_signature', 'malformed'].includes((await refusal(flipped)).reason));
    assert.equal((await refusal(r.token.slice(0, -10))).reason, 'malformed');

    // A token is good until the task's last session day (issue 14), so expiry needs a task whose
    // sessions are over.
    const dates = app.ctx.db.prepare('SELECT session_dates FROM tasks WHERE code = ?').pluck().get(DEMO_TASK_CODE);
    app.ctx.db.prepare('UPDATE tasks SET session_dates = ? WHERE code = ?').run('["2020-09-13"]', DEMO_TASK_CODE);
    const expired = await refusal(signDemoToken({ ...payload, exp: 1_600_000_000 })).finally(() =>
      app.ctx.db.prepare('UPDATE tasks SET session_dates = ? WHERE code = ?').run(dates, DEMO_TASK_CODE),
    );
    assert.equal(expired.reason, 'expired');
    assert.match(expired.zh, /过期.*2020-09-13/);
    assert.equal(expired.studentId, r.student_id, 'signed, so the card can still be opened');

    const other = await refusal(signDemoToken({ ...payload, task: 'OTHER2026' }));
    assert.equal(other.reason, 'other_task');
    assert.match(other.zh, /OTHER2026/);

    assert.equal((await refusal(signDemoToken({ ...payload, sid: 'nobody-here' }))).reason, 'unknown_reservation');
    // The reservation row names someone else than the token: do not guess.
    assert.equal((await refusal(signDemoToken({ ...payload, sid: reservation('active', 2).student_id }))).reason, 'unknown_reservation');

    const cancelled = reservation('cancelled');
    const c = await refusal(cancelled.token);
    assert.equal(c.reason, 'cancelled');
    assert.equal(c.studentId, cancelled.student_id, 'the card is one click away');
    // ...but the card cannot check the student in without a reason, whichever way it was opened.
    const plain = await app.raw('checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId: cancelled.student_id }, s);
    assert.ok(!plain.ok && plain.error.code === 'OVERRIDE_REQUIRED', JSON.stringify(plain));
    const overridden = await app.call(s, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId: cancelled.student_id, overrideReason: '学生已重新缴费' });
    const audit = listAudit(app.ctx.db).find((a) => a.action === 'checkin.override' && a.entity_id === overridden.orderId);
    assert.equal(audit?.reason, '学生已重新缴费');

    const reasons = new Set([forged, expired, other, c].map((o) => o.zh));
    assert.equal(reasons.size, 4, 'distinct messages');
  });

  test('a student already photographed is not sent to capture again by a code', async () => {
    const r = reservation('active', 3);
    const { orderId } = await app.call(s, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId: r.student_id });
    assert.equal((await scan(r.token)).kind, 'student', 'checked in but not yet photographed: still fine');
    app.ctx.db.prepare(`UPDATE orders SET status = '已采集', captured_at = ? WHERE id = ?`).run(new Date().toISOString(), orderId);
    const o = await refusal(r.token);
    assert.equal(o.reason, 'already_captured');
    assert.equal(o.studentId, r.student_id);
    // A rejected photo comes back for a retake: the code works again, also once the server has
    // marked the reservation used.
    app.ctx.db.prepare(`UPDATE orders SET status = '被驳回' WHERE id = ?`).run(orderId);
    assert.equal((await scan(r.token)).kind, 'student');
    app.ctx.db.prepare(`UPDATE reservations SET state = 'used' WHERE student_id = ?`).run(r.student_id);
    assert.equal((await scan(r.token)).kind, 'student');
    app.ctx.db.prepare(`UPDATE orders SET status = '待审核' WHERE id = ?`).run(orderId);
    assert.equal((await refusal(r.token)).reason, 'already_captured');
    // Used by another station (synced): no order here, still refused.
    const other = reservation('active', 5);
    app.ctx.db.prepare(`UPDATE reservations SET state = 'used' WHERE student_id = ?`).run(other.student_id);
    assert.equal((await refusal(other.token)).reason, 'already_captured');
  });

  test('a task without its public key cannot verify anything and says so', async () => {
    const r = reservation('active', 4);
    const key = app.ctx.db.prepare('SELECT public_key FROM tasks WHERE code = ?').pluck().get(DEMO_TASK_CODE);
    app.ctx.db.prepare('UPDATE tasks SET public_key = NULL WHERE code = ?').run(DEMO_TASK_CODE);
    try {
      assert.equal((await refusal(r.token)).reason, 'no_task_key');
    } finally {
      app.ctx.db.prepare('UPDATE tasks SET public_key = ? WHERE code = ?').run(key, DEMO_TASK_CODE);
    }
  });

  test('学信网 codes are matched by digest; an unknown one offers 待识别; other text is unrecognised', async () => {
    const student = roster[10]!;
    const o = await scan(student.xuexinCode);
    assert.equal(o.kind, 'student');
    const card = await app.call(s, 'students.get', { taskCode: DEMO_TASK_CODE, studentId: (o as { studentId: string }).studentId });
    assert.equal(card.student.name, student.name);
    const unknown = await scan('Z'.repeat(20) + student.xuexinCode.slice(20));
    assert.equal(unknown.kind, 'unmatched_xuexin');
    assert.equal((await refusal('hello')).reason, 'unrecognized');
    assert.equal((await refusal('https://weixin.qq.com/some/long/link')).reason, 'unrecognized');
  });

  test('task code + ID last 4 + 特征码 finds the student, case-insensitively; a wrong code finds nobody', async () => {
    const student = roster[20]!;
    const last4 = student.idNumber.slice(-4);
    const found = await app.call(s, 'checkin.featureCode', { taskCode: DEMO_TASK_CODE, idLast4: last4.toLowerCase(), featureCode: student.featureCode.toLowerCase() });
    assert.deepEqual(found.students.map((x) => x.name), [student.name]);
    const wrong = student.featureCode.slice(0, 5) + (student.featureCode[5] === 'A' ? 'B' : 'A');
    assert.equal((await app.call(s, 'checkin.featureCode', { taskCode: DEMO_TASK_CODE, idLast4: last4, featureCode: wrong })).students.length, 0);
    const bad = await app.raw('checkin.featureCode', { taskCode: DEMO_TASK_CODE, idLast4: '12', featureCode: '' }, s);
    assert.ok(!bad.ok && bad.error.code === 'BAD_INPUT' && bad.error.details!.length === 2);
  });

  test('an unmatched 学信网 code registered as 待识别 keeps the code sealed, marks the order for matching, and is found next time', async () => {
    const code = 'W'.repeat(30) + 'pending-code-for-the-server';
    const request = {
      taskCode: DEMO_TASK_CODE,
      requestId: randomUUID(),
      student: { name: '待识别', gender: null, idNumber: null, studentNo: null, examNo: null, department: null, major: null, eduLevel: null, eduCategory: null, className: null },
      reason: 'pending_identification' as const,
      pendingCode: code,
    };
    const { studentId, orderId } = await app.call(s, 'checkin.walkin', request);
    // A retry after a dropped connection (same request id) registers nobody twice...
    assert.deepEqual(await app.call(s, 'checkin.walkin', request), { studentId, orderId });
    // ...and another registration of the same code is refused.
    const again = await app.raw('checkin.walkin', { ...request, requestId: randomUUID() }, s);
    assert.ok(!again.ok && again.error.code === 'CONFLICT');
    assert.equal(app.ctx.db.prepare('SELECT count(*) FROM students WHERE xuexin_digest = (SELECT xuexin_digest FROM students WHERE id = ?)').pluck().get(studentId), 1);
    const row = app.ctx.db.prepare('SELECT source, pending_code_enc, school_name FROM students WHERE id = ?').get(studentId) as { source: string; pending_code_enc: string; school_name: string };
    assert.equal(row.source, 'walkin');
    assert.equal(row.school_name, '示范大学');
    assert.ok(!row.pending_code_enc.includes('pending-code'), 'sealed at rest');
    assert.equal(app.ctx.pii.decrypt(row.pending_code_enc), code);
    const order = app.ctx.db.prepare('SELECT needs_match, status FROM orders WHERE id = ?').get(orderId) as { needs_match: number; status: string };
    assert.deepEqual({ ...order }, { needs_match: 1, status: '已签到' });
    assert.equal(listJobsForOrder(app.ctx.db, orderId).length, 1);
    const audit = listAudit(app.ctx.db).find((a) => a.action === 'walkin.register' && a.entity_id === studentId);
    assert.ok(audit && audit.operator_id === 'op-photo-1');
    assert.deepEqual(await scan(code), { kind: 'student', via: 'xuexin', studentId });
    const card = await app.call(s, 'students.get', { taskCode: DEMO_TASK_CODE, studentId });
    assert.equal(card.student.pendingIdentification, true);
    assert.equal(card.student.order?.atThisStation, true);
  });

  test('a walk-in with an ID number already on the roster is refused; a bad ID number is told by field', async () => {
    const base = { gender: null, studentNo: null, examNo: null, department: null, major: null, eduLevel: null, eduCategory: null, className: null };
    const walkin = (student: Record<string, unknown>, reason = 'no_reservation') =>
      app.raw('checkin.walkin', { taskCode: DEMO_TASK_CODE, requestId: randomUUID(), student: { ...base, name: '某某', ...student }, reason }, s);
    const dup = await walkin({ idNumber: roster[30]!.idNumber });
    assert.ok(!dup.ok && dup.error.code === 'CONFLICT');
    assert.ok(!dup.error.zh.includes(roster[30]!.name) && !dup.error.en.includes(roster[30]!.name), 'a typed ID number must not reveal a name');
    // A lower-case x is the same ID number: normalised before hashing, so still a duplicate.
    const withX = roster.find((x) => x.idNumber.endsWith('X'));
    assert.ok(withX, 'the demo roster has ID numbers ending in X');
    const lower = await walkin({ idNumber: withX.idNumber.toLowerCase() });
    assert.ok(!lower.ok && lower.error.code === 'CONFLICT', 'lower-case x');
    const bad = await walkin({ idNumber: '110101199003071234' });
    assert.ok(!bad.ok && bad.error.code === 'BAD_INPUT' && bad.error.details!.some((d) => d.includes('校验位')));
    const okRaw = await walkin({ name: '无证学生', idNumber: '', studentNo: ' 2026999 ' }, 'no_id_card');
    assert.ok(okRaw.ok);
    const ok = okRaw.value as { studentId: string };
    const card = await app.call(s, 'students.get', { taskCode: DEMO_TASK_CODE, studentId: ok.studentId });
    assert.equal(card.student.idMasked, null, 'blank means unknown, not an empty string');
    assert.equal(card.student.studentNo, '2026999');
    assert.equal(card.student.source, 'walkin');
  });

  test('a correction changes only what was asked, is audited from → to with the ID masked, and is searchable at once', async () => {
    const student = roster[40]!;
    const [hit] = (await app.call(s, 'students.search', { taskCode: DEMO_TASK_CODE, query: student.idNumber.slice(-4) })).students.filter((x) => x.name === student.name);
    assert.ok(hit);
    const r = await app.call(s, 'students.correct', {
      taskCode: DEMO_TASK_CODE,
      studentId: hit.id,
      // Typed with a lower-case x: stored (and masked) in its one normal spelling.
      changes: { name: '欧阳修远', studentNo: 'C-2026-001', idNumber: '11010519491231002x', major: student.major },
      reason: '学生本人核对身份证后更正',
    });
    assert.deepEqual(new Set(r.changed), new Set(['name', 'studentNo', 'idNumber']), 'an unchanged major is not a change');
    assert.equal(r.student.name, '欧阳修远');
    assert.equal(r.student.idMasked, '1101**********002X');
    const byInitials = await app.call(s, 'students.search', { taskCode: DEMO_TASK_CODE, query: 'oyxy' });
    assert.ok(byInitials.students.some((x) => x.id === hit.id));
    const audit = listAudit(app.ctx.db).find((a) => a.action === 'student.correct' && a.entity_id === hit.id)!;
    assert.equal(audit.reason, '学生本人核对身份证后更正');
    const detail = JSON.parse(audit.detail!) as { fields: string[]; sealed: string };
    assert.deepEqual(new Set(detail.fields), new Set(r.changed));
    for (const secret of [student.name, '欧阳修远', 'C-2026-001', student.idNumber, '11010519491231002X']) {
      assert.ok(!audit.detail!.includes(secret), `audit detail carries ${secret} in the clear`);
    }
    const changes = JSON.parse(app.ctx.pii.decrypt(detail.sealed)) as Record<string, { from: unknown; to: unknown }>;
    assert.deepEqual(changes.name, { from: student.name, to: '欧阳修远' });
    assert.deepEqual(changes.idNumber, { from: hit.idMasked, to: '1101**********002X' });
    assert.equal((await app.call(s, 'students.search', { taskCode: DEMO_TASK_CODE, query: '002X' })).students.some((x) => x.id === hit.id), true);
    const job = app.ctx.db.prepare(`SELECT payload FROM outbox_jobs WHERE kind = 'student.correction'`).pluck().get() as string;
    assert.deepEqual(JSON.parse(job).studentId, hit.id);

    const same = await app.raw('students.correct', { taskCode: DEMO_TASK_CODE, studentId: hit.id, changes: { name: '欧阳修远' }, reason: '再次更正' }, s);
    assert.ok(!same.ok && same.error.code === 'BAD_INPUT');
    const noReason = await app.raw('students.correct', { taskCode: DEMO_TASK_CODE, studentId: hit.id, changes: { name: '某' }, reason: ' ' }, s);
    assert.ok(!noReason.ok && noReason.error.code === 'BAD_INPUT');
    const other = roster[41]!;
    const [otherHit] = (await app.call(s, 'students.search', { taskCode: DEMO_TASK_CODE, query: other.name })).students;
    const taken = await app.raw('students.correct', { taskCode: DEMO_TASK_CODE, studentId: otherHit!.id, changes: { studentNo: 'C-2026-001' }, reason: '录入错误' }, s);
    assert.ok(!taken.ok && taken.error.code === 'CONFLICT');
  });
});
