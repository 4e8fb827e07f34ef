import { countOperators, insertOperator } from '../db/queries/operators.js';
import { upsertReservation } from '../db/queries/reservations.js';
import { getTask, upsertTaskItem } from '../db/queries/tasks.js';
import { hashPin } from '../security/pinHash.js';
import type { AppContext } from '../services/AppContext.js';
import { storeRosterRecords } from '../roster/importRoster.js';

import { DEMO_TASK_CODE, demoTaskPlan } from '../../shared/demo/demoTask.js';

export { DEMO_SCHOOL, DEMO_TASK_CODE } from '../../shared/demo/demoTask.js';
export const DEMO_PINS = { photographer: '1234', manager: '9999' } as const;

/** Operators for a fresh station, so the kiosk can be tried at once. A real site replaces them. */
export async function seedDemoOperators(ctx: AppContext): Promise<void> {
  if (countOperators(ctx.db) > 0) return;
  const now = ctx.now().toISOString();
  insertOperator(ctx.db, { id: 'op-photo-1', name: '摄影师 01', role: 'photographer', pin_hash: await hashPin(DEMO_PINS.photographer) }, now);
  insertOperator(ctx.db, { id: 'op-manager-1', name: '负责人 01', role: 'manager', pin_hash: await hashPin(DEMO_PINS.manager) }, now);
}

/** The demo task, with sessions today and tomorrow so there is always a "today" to work in.
 * Idempotent: an existing demo task is left as it is. */
export function seedDemoTask(ctx: AppContext, count = 300): void {
  // One transaction: a crash half-way must not leave a demo task with no students, which the
  // existing-task check in insertDemoTask would then keep forever.
  ctx.db.transaction(() => insertDemoTask(ctx, count)).immediate();
}

function insertDemoTask(ctx: AppContext, count: number): void {
  if (getTask(ctx.db, DEMO_TASK_CODE)) return;
  const plan = demoTaskPlan(ctx.now(), count);
  const now = ctx.now().toISOString();
  upsertTaskItem(ctx.db, plan.task, now);
  storeRosterRecords(ctx, DEMO_TASK_CODE, plan.students);
  for (const r of plan.reservations) {
    upsertReservation(
      ctx.db,
      { id: r.id, task_code: DEMO_TASK_CODE, student_id: r.studentId, slot_id: r.slot.id, payment_state: r.paymentState, state: r.state, token: r.token },
      now,
    );
  }
}
