import { writeAudit } from '../../src/main/db/queries/audit.js';
import { setOrderFaceMatch } from '../../src/main/db/queries/admissionPhotos.js';
import { applyReview, insertMirroredOrder } from '../../src/main/db/queries/syncMirror.js';
import { parkJob, refreshOrderSyncState } from '../../src/main/db/queries/syncQueue.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { DEMO_TASK_CODE, demoTaskPlan } from '../../src/shared/demo/demoTask.js';
import { localDateOf } from '../../src/shared/localDate.js';
import type { CheckId } from '../../src/shared/spec/specProfile.js';
import { shootAndFinish } from '../helpers/stationCapture.js';
import { tempApp } from '../helpers/tempApp.js';

type App = Awaited<ReturnType<typeof tempApp>>;

/** The seeded day: 10 June 2026 in the station's own time zone. */
export const DAY = new Date(2026, 5, 10);
export const DAY_TEXT = localDateOf(DAY);

export function at(hour: number, minute: number): Date {
  return new Date(DAY.getFullYear(), DAY.getMonth(), DAY.getDate(), hour, minute);
}

/** One shot of a real portrait (bytes made unique by a JPEG comment), finished with a verdict that fails `failing`. */
export async function shoot(app: App, s: Session, orderId: string, failing: CheckId[], variant: number): Promise<string> {
  const { captureId, verdict } = await shootAndFinish(app, s, orderId, { tag: `cc-report-${variant}`, failing });
  const unexpected = verdict.checks.filter((c) => c.status === 'fail' && !failing.includes(c.id));
  if (unexpected.length) throw new Error(`the station failed checks the fixture did not ask for: ${unexpected.map((c) => c.id).join(', ')}`);
  return captureId;
}

export async function accept(app: App, s: Session, orderId: string, captureId: string, overridden: CheckId[] = []): Promise<void> {
  await app.call(s, 'capture.accept', { orderId, captureId, overrides: overridden.map((checkId) => ({ checkId, reason: '测试：学生眨眼，已复核' })) });
}

export interface SeededDay {
  app: App;
  clock: { now: Date };
  photographer: Session;
  /** Expected that day: non-cancelled reservations for the day's slots (from the demo plan, not the store). */
  expectedIds: string[];
  students: { s1: string; s2: string; s3: string; s4: string; s5: string; s6: string; s7: string };
  orders: { o1: string; o2: string; o3: string; o4: string; o5: string; o6: string; o7: string };
  /** The one parked job (o2's order upload). */
  parkedJobId: string;
  /** Jobs the day left in the outbox: every check-in (1), every acceptance (order + 2 photos). */
  jobs: number;
}

/**
 * A known day at one station (09:05–14:10 local), through the station's real services:
 * - S1 reserved, checked in 09:05, one shot failing eyes.open accepted with a reason 09:07; face match 比对通过 0.62
 * - S2 reserved, 09:20, a shot failing sharpness (not taken), a good one accepted 09:25; 比对不通过 0.21 confirmed by hand
 * - S3 no reservation, 10:10, accepted 10:12 (no admission photo: 未比对)
 * - S4 reserved, checked in 10:30, never photographed
 * - S5 reserved, 11:00, accepted 11:02, rejected by the review 12:00 (被驳回, still pending)
 * - S6 reserved, 11:10, accepted 11:12, rejected 12:05, retaken 14:10; 需人工确认 confirmed by hand
 * - S7 reserved, photographed at another station (mirrored 待审核)
 * - o2's order job parked by the sync engine ("server said no")
 */
export async function seedKnownDay(): Promise<SeededDay> {
  const clock = { now: at(8, 0) };
  const app = await tempApp({ demo: true, now: () => clock.now });
  const plan = demoTaskPlan(DAY);
  const reservedToday = plan.reservations.filter((r) => r.state === 'active' && r.slot.date === DAY_TEXT).map((r) => r.studentId);
  const expectedIds = [...new Set(plan.reservations.filter((r) => r.state !== 'cancelled' && r.slot.date === DAY_TEXT).map((r) => r.studentId))];
  const reserved = new Set(plan.reservations.map((r) => r.studentId));
  const unreserved = plan.students.find((st) => !reserved.has(st.id))!.id;
  const [s1, s2, s4, s5, s6, s7] = reservedToday as [string, string, string, string, string, string];
  const s3 = unreserved;
  const p = await app.loggedIn('1234');
  const checkin = async (studentId: string, h: number, m: number) => {
    clock.now = at(h, m);
    return (await app.call(p, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId })).orderId;
  };
  let variant = 0;

  const o1 = await checkin(s1, 9, 5);
  clock.now = at(9, 6);
  const c1 = await shoot(app, p, o1, ['eyes.open'], ++variant);
  clock.now = at(9, 7);
  await accept(app, p, o1, c1, ['eyes.open']);
  setOrderFaceMatch(app.ctx.db, o1, { score: 0.62, decision: '比对通过', overrideReason: null, issues: null });

  const o2 = await checkin(s2, 9, 20);
  clock.now = at(9, 21);
  await shoot(app, p, o2, ['sharpness'], ++variant);
  clock.now = at(9, 24);
  const c2 = await shoot(app, p, o2, [], ++variant);
  clock.now = at(9, 25);
  await accept(app, p, o2, c2);
  setOrderFaceMatch(app.ctx.db, o2, { score: 0.21, decision: '比对不通过', overrideReason: '已核对身份证原件', issues: null });
  writeAudit(app.ctx.db, { at: clock.now.toISOString(), operatorId: 'op-photo-1', action: 'face_match.override', entity: 'order', entityId: o2, detail: { decision: '比对不通过', score: 0.21 }, reason: '已核对身份证原件' });

  const o3 = await checkin(s3, 10, 10);
  clock.now = at(10, 11);
  const c3 = await shoot(app, p, o3, [], ++variant);
  clock.now = at(10, 12);
  await accept(app, p, o3, c3);

  const o4 = await checkin(s4, 10, 30);

  const o5 = await checkin(s5, 11, 0);
  clock.now = at(11, 1);
  const c5 = await shoot(app, p, o5, [], ++variant);
  clock.now = at(11, 2);
  await accept(app, p, o5, c5);

  const o6 = await checkin(s6, 11, 10);
  clock.now = at(11, 11);
  const c6 = await shoot(app, p, o6, [], ++variant);
  clock.now = at(11, 12);
  await accept(app, p, o6, c6);

  // The central review's decisions arrive (as the reviews feed applies them).
  for (const [orderId, h, m] of [
    [o5, 12, 0],
    [o6, 12, 5],
  ] as const) {
    clock.now = at(h, m);
    const rev = (app.ctx.db.prepare('SELECT revision FROM orders WHERE id = ?').get(orderId) as { revision: number }).revision;
    applyReview(app.ctx.db, { orderId, status: '被驳回', reason: '背景不均匀', serverRevision: rev, current: true, conflict: false, decidedAt: clock.now.toISOString(), now: clock.now.toISOString() });
  }
  clock.now = at(14, 8);
  const c6b = await shoot(app, p, o6, [], ++variant);
  clock.now = at(14, 10);
  await accept(app, p, o6, c6b);
  setOrderFaceMatch(app.ctx.db, o6, { score: 0.4, decision: '需人工确认', overrideReason: '与学生证核对一致', issues: null });

  const o7 = 'other-station-order-7';
  insertMirroredOrder(
    app.ctx.db,
    { id: o7, task_code: DEMO_TASK_CODE, student_id: s7, status: '待审核', station_id: 'f00dfeed-other-station', revision: 2, reason: null, current: true, conflict: false },
    at(13, 0).toISOString(),
  );

  const parkedJobId = `order:${o2}:r2`;
  parkJob(app.ctx.db, parkedJobId, '服务器拒绝：测试', at(13, 30).toISOString());
  refreshOrderSyncState(app.ctx.db, o2);
  clock.now = at(18, 0);
  return {
    app,
    clock,
    photographer: p,
    expectedIds,
    students: { s1, s2, s3, s4, s5, s6, s7 },
    orders: { o1, o2, o3, o4, o5, o6, o7 },
    parkedJobId,
    // 6 check-ins + 5 first shots (已签到 → 采集中 is a revision of its own) + 6 acceptances × 3
    // (S1, S2, S3, S5, S6 twice), less one: S6's retake finished to the same bytes as its first shot
    // (same portrait), so its finished-photo job is the same job.
    jobs: 6 + 5 + 6 * 3 - 1,
  };
}
