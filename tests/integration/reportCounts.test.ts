import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { applyReview, insertMirroredOrder } from '../../src/main/db/queries/syncMirror.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { DEMO_TASK_CODE, demoTaskPlan } from '../../src/shared/demo/demoTask.js';
import { localDateOf } from '../../src/shared/localDate.js';
import type { DayReport } from '../../src/shared/report/reportTypes.js';
import type { CheckId } from '../../src/shared/spec/specProfile.js';
import { tempApp } from '../helpers/tempApp.js';
import { accept, at, DAY, DAY_TEXT, shoot } from './reportFixtures.js';

/**
 * Issue 14, defect 4: each figure of the day report counts what its label says — students, not
 * events. A day built to trip the old counts, one figure per test:
 * - R: rejected twice and retaken twice on the day (3 acceptances, one student);
 * - T: one shot failing eyes.open and sharpness accepted with both reasons, another shot accepted
 *   in between, then the first accepted again (its overrides audited twice);
 * - Y: a shot failing exposure taken the evening before, accepted with a reason in the morning;
 * - M: three shots, the third accepted (needed more than one shot);
 * - V: checked in, voided, checked in again: one live order and a void one, both in the day;
 * - W: rejected at another station (its order mirrored here), then checked in here.
 */
type App = Awaited<ReturnType<typeof tempApp>>;
let app: App;
let p: Session;
let manager: Session;
const clock = { now: at(7, 0) };
const plan = demoTaskPlan(DAY);
const reservedToday = [...new Set(plan.reservations.filter((r) => r.state === 'active' && r.slot.date === DAY_TEXT).map((r) => r.studentId))];
const [R, T, Y, M] = reservedToday as [string, string, string, string];
const DAY_BEFORE = localDateOf(new Date(DAY.getFullYear(), DAY.getMonth(), DAY.getDate() - 1));
let variant = 100;

const checkin = async (studentId: string, h: number, m: number) => {
  clock.now = at(h, m);
  return (await app.call(p, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId })).orderId;
};
const reject = (orderId: string, h: number, m: number) => {
  clock.now = at(h, m);
  const rev = (app.ctx.db.prepare('SELECT revision FROM orders WHERE id = ?').get(orderId) as { revision: number }).revision;
  applyReview(app.ctx.db, { orderId, status: '被驳回', reason: '头部姿态不正', serverRevision: rev, current: true, conflict: false, decidedAt: clock.now.toISOString(), now: clock.now.toISOString() });
};
const shootAt = async (orderId: string, h: number, m: number, failing: CheckId[] = []) => {
  clock.now = at(h, m);
  return shoot(app, p, orderId, failing, ++variant);
};
const acceptAt = async (orderId: string, captureId: string, h: number, m: number, overridden: CheckId[] = []) => {
  clock.now = at(h, m);
  await accept(app, p, orderId, captureId, overridden);
};
const report = (from = DAY_TEXT, to = DAY_TEXT): Promise<DayReport> => app.call(manager, 'report.day', { taskCode: DEMO_TASK_CODE, from, to });

before(async () => {
  app = await tempApp({ demo: true, now: () => clock.now });
  p = await app.loggedIn('1234');

  // Y: the evening before, a shot failing exposure; accepted with a reason in the morning.
  clock.now = new Date(DAY.getFullYear(), DAY.getMonth(), DAY.getDate() - 1, 17, 50);
  const oY = (await app.call(p, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId: Y })).orderId;
  clock.now = new Date(DAY.getFullYear(), DAY.getMonth(), DAY.getDate() - 1, 17, 55);
  const cY = await shoot(app, p, oY, ['exposure'], ++variant);
  await acceptAt(oY, cY, 8, 5, ['exposure']);

  // R: accepted, rejected, retaken, rejected, retaken.
  const oR = await checkin(R, 9, 0);
  await acceptAt(oR, await shootAt(oR, 9, 1), 9, 2);
  reject(oR, 10, 0);
  await acceptAt(oR, await shootAt(oR, 10, 30), 10, 31);
  reject(oR, 11, 0);
  await acceptAt(oR, await shootAt(oR, 11, 30), 11, 31);

  // T: one shot failing two checks, accepted with both reasons, then replaced and accepted again.
  const oT = await checkin(T, 12, 0);
  const cT = await shootAt(oT, 12, 1, ['eyes.open', 'sharpness']);
  await acceptAt(oT, cT, 12, 2, ['eyes.open', 'sharpness']);
  const cT2 = await shootAt(oT, 12, 3);
  await acceptAt(oT, cT2, 12, 4);
  await acceptAt(oT, cT, 12, 5, ['eyes.open', 'sharpness']);

  // M: three shots, the third accepted.
  const oM = await checkin(M, 13, 0);
  await shootAt(oM, 13, 1, ['sharpness']);
  await shootAt(oM, 13, 2, ['sharpness']);
  await acceptAt(oM, await shootAt(oM, 13, 3), 13, 4);

  clock.now = at(18, 0);
  manager = await app.loggedIn('9999');
});
after(() => app?.close());

test('当日重拍完成 counts a student retaken twice once', async () => {
  const r = await report();
  // R (retaken twice after rejections) and T (a new shot after an acceptance, then accepted
  // again): two students, where the old count said 4 (one per acceptance after the first).
  assert.equal(r.retakes.retakenInRange, 2);
});

test('当日被驳回 counts each student rejected in the day once, retaken since or not', async () => {
  const r = await report();
  assert.equal(r.retakes.rejectedInRange, 1, 'R, rejected twice, then retaken');
  assert.equal(r.retakes.pending, 0, 'R has been retaken: nothing waits');
});

test('填写原因后采用 never exceeds 未通过的拍摄: a shot accepted twice with two reasons counts once per check', async () => {
  const r = await report();
  const by = Object.fromEntries(r.failedChecks.map((c) => [c.checkId, c]));
  // Failed shots of the day: T's first (eyes.open, sharpness), M's first two (sharpness).
  assert.deepEqual(by['eyes.open'], { checkId: 'eyes.open', failedShots: 1, overridden: 1 });
  assert.deepEqual(by['sharpness'], { checkId: 'sharpness', failedShots: 3, overridden: 1 });
  for (const c of r.failedChecks) assert.ok(c.overridden <= c.failedShots, JSON.stringify(c));
});

test('a shot taken the day before and accepted with a reason counts on the day it was taken', async () => {
  const r = await report();
  assert.equal(r.failedChecks.find((c) => c.checkId === 'exposure'), undefined, 'no exposure failure was shot on the day');
  const before = await report(DAY_BEFORE, DAY_BEFORE);
  assert.deepEqual(before.failedChecks, [{ checkId: 'exposure', failedShots: 1, overridden: 1 }]);
});

test('拍摄 figures: shots of the day, students who needed more than one shot for the photo that stands, shots per student', async () => {
  const r = await report();
  // Shots on the day: R 3, T 2, M 3 (Y's was the evening before).
  assert.equal(r.shots.total, 8);
  // Accepted on the day: Y, R, T, M; more than one shot on the day before the photo stood: R, T, M
  // (Y's one shot was the day before, and counts there).
  assert.equal(r.totals.captured, 4);
  assert.equal(r.shots.acceptedAfterRetry, 3);
  assert.equal(r.shots.perAccepted, 2);
  const before = await report(DAY_BEFORE, DAY_BEFORE);
  assert.deepEqual(before.shots, { total: 1, acceptedAfterRetry: 0, perAccepted: null }, 'Y was accepted on the day, not the evening before');
});

test('预约, 未到 and 在其他站 count students: a void order beside a live one, or another station\'s beside this one\'s, is neither a second student nor elsewhere', async () => {
  const base = await report();
  const [V, W] = reservedToday.slice(4) as [string, string];
  // V: checked in, voided, checked in again.
  const first = await checkin(V, 15, 0);
  clock.now = at(15, 5);
  app.ctx.db.prepare("UPDATE orders SET status = '已作废', updated_at = ? WHERE id = ?").run(clock.now.toISOString(), first);
  await checkin(V, 15, 10);
  // W: rejected at another station (mirrored here), then checked in here for the retake.
  insertMirroredOrder(
    app.ctx.db,
    { id: 'other-station-order-w', task_code: DEMO_TASK_CODE, student_id: W, status: '被驳回', station_id: 'f00dfeed-other-station', revision: 2, reason: '背景不均匀', current: true, conflict: false },
    at(15, 20).toISOString(),
  );
  const mid = await report();
  assert.equal(mid.totals.otherStation, base.totals.otherStation + 1, 'W is at another station until retaken here');
  await checkin(W, 15, 30);
  clock.now = at(18, 0);
  const r = await report();
  assert.equal(r.totals.expected, base.totals.expected, 'V and W are one expected student each');
  assert.equal(r.totals.noShow, base.totals.noShow - 2, 'V and W came');
  assert.equal(r.totals.otherStation, base.totals.otherStation, 'W is here now');
  assert.equal(r.totals.checkedIn, base.totals.checkedIn + 2);
});

test('已作废 counts the orders voided in the day, not the day they were checked in', async () => {
  const X = reservedToday[6]!;
  const day = (await report()).totals.void;
  const dayBefore = (await report(DAY_BEFORE, DAY_BEFORE)).totals.void;
  // Checked in the evening before, found to be the wrong student and voided in the morning.
  clock.now = new Date(DAY.getFullYear(), DAY.getMonth(), DAY.getDate() - 1, 17, 40);
  const orderId = (await app.call(p, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId: X })).orderId;
  clock.now = at(8, 30);
  await app.call(manager, 'orders.void', { orderId, reason: '签到错了学生' });
  clock.now = at(18, 0);
  assert.equal((await report()).totals.void, day + 1, 'voided on the day');
  assert.equal((await report(DAY_BEFORE, DAY_BEFORE)).totals.void, dayBefore, 'not on the day it was checked in');
});
