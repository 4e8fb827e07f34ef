import { DEMO_ISSUER_SECRET } from '../../src/shared/demo/demoIssuer.js';
import { DEMO_TASK_CODE, demoTaskPlan } from '../../src/shared/demo/demoTask.js';
import { pickTaskRights } from '../../src/shared/domain/taskRights.js';
import { recordChanges, type FeedChange } from '../db/feedLog.js';
import { insertReservation } from '../db/reservations.js';
import { getTask } from '../db/tasks.js';
import { inTransaction } from '../db/tx.js';
import { nowIso, type ServerContext } from '../ServerContext.js';
import { importStudents, putTask } from './taskAdmin.js';

/**
 * `--demo`: the demo task of src/shared/demo (the same fixed ids the demo station seeds), with
 * DEMO_ISSUER_SECRET as its key so tokens already on demo phones verify. Only on first start: an
 * existing demo task is left as it is. Returns whether it seeded.
 */
export async function seedDemo(ctx: ServerContext): Promise<boolean> {
  if (await getTask(ctx.tx, DEMO_TASK_CODE)) return false;
  const plan = demoTaskPlan(ctx.now());
  const t = plan.task;
  const now = nowIso(ctx);
  // One transaction: a crash half-way must not leave a demo task without students, which the
  // "already seeded" check above would then keep forever.
  await inTransaction(ctx.tx, async (tx) => {
    const c: ServerContext = { ...ctx, tx };
    const task = { name: t.name, schoolName: t.schoolName, schoolCode: t.schoolCode, site: t.site, sessionDates: t.sessionDates, slots: t.slots, specId: t.specId, priceCents: t.priceCents, featureCodeFormat: t.featureCodeFormat, checkinMode: t.checkinMode, ...pickTaskRights(t) };
    await putTask(c, t.code, task, { secret: DEMO_ISSUER_SECRET });
    const rows = plan.students.map((s) => ({
      name: s.name,
      gender: s.gender,
      idNumber: s.idNumber,
      studentNo: s.studentNo,
      examNo: s.examNo,
      schoolName: s.schoolName ?? t.schoolName,
      schoolCode: s.schoolCode ?? t.schoolCode,
      department: s.department,
      major: s.major,
      eduLevel: s.eduLevel,
      eduCategory: s.eduCategory,
      className: s.className,
      xuexinCode: s.xuexinCode,
      featureCode: s.featureCode,
    }));
    await importStudents(c, t.code, rows, { ids: plan.students.map((s) => s.id) });
    const changes: FeedChange[] = [];
    for (const r of plan.reservations) {
      const cancelled = r.state === 'cancelled';
      await insertReservation(tx, {
        id: r.id,
        task_code: t.code,
        student_id: r.studentId,
        slot_id: r.slot.id,
        slot_date: r.slot.date,
        payment_state: r.paymentState,
        state: r.state,
        settlement: cancelled && r.paymentState === '预授权' ? 'to_refund' : 'none',
        token: r.token,
        created_at: now,
        updated_at: now,
        cancelled_at: cancelled ? now : null,
        cancel_reason: cancelled ? '演示：学生已取消预约 / demo: cancelled by the student' : null,
      });
      changes.push({ feed: 'reservations', key: r.id });
      if (cancelled) changes.push({ feed: 'revocations', key: r.id });
    }
    await recordChanges(tx, changes);
  });
  ctx.log('info', 'demo task seeded', { task: t.code, students: plan.students.length, reservations: plan.reservations.length });
  return true;
}
