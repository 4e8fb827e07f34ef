import { randomUUID } from 'node:crypto';
import type { TimeSlot } from '../../shared/domain/entities.js';
import { countOperators, insertOperator } from '../db/queries/operators.js';
import { upsertReservation } from '../db/queries/reservations.js';
import { getTask, upsertTask } from '../db/queries/tasks.js';
import { localDateOf } from '../../shared/localDate.js';
import { hashPin } from '../security/pinHash.js';
import type { AppContext } from '../services/AppContext.js';
import { storeRosterRecords } from '../roster/importRoster.js';
import { DEMO_PUBLIC_KEY_B64, endOfLocalDaySeconds, signDemoToken } from './demoIssuer.js';
import { generateDemoStudents } from './demoRoster.js';
import { seededRandom } from './seededRandom.js';

export const DEMO_TASK_CODE = 'DEMO2026';
export const DEMO_SCHOOL = { name: '示范大学', code: '99999' };
export const DEMO_PINS = { photographer: '1234', manager: '9999' } as const;

function halfHourSlots(date: string): TimeSlot[] {
  const slots: TimeSlot[] = [];
  for (let m = 8 * 60 + 30; m < 17 * 60; m += 30) {
    if (m >= 12 * 60 && m < 13 * 60 + 30) continue; // lunch
    const hhmm = (x: number) => `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;
    slots.push({ id: `${date}-${hhmm(m).replace(':', '')}`, date, start: hhmm(m), end: hhmm(m + 30) });
  }
  return slots;
}

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
  const today = ctx.now();
  const dates = [localDateOf(today), localDateOf(new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1))];
  const slots = dates.flatMap(halfHourSlots);
  const now = today.toISOString();
  upsertTask(
    ctx.db,
    {
      code: DEMO_TASK_CODE,
      name: '2026届毕业生图像信息采集（演示）',
      school_name: DEMO_SCHOOL.name,
      school_code: DEMO_SCHOOL.code,
      site: '图书馆一楼大厅',
      session_dates: JSON.stringify(dates),
      slots: JSON.stringify(slots),
      spec_id: 'xuexin',
      price_cents: 2500,
      public_key: DEMO_PUBLIC_KEY_B64, // a real task's key comes from the central server
    },
    now,
  );
  const students = generateDemoStudents(count);
  const { ids } = storeRosterRecords(ctx, DEMO_TASK_CODE, students);
  const rand = seededRandom(7);
  for (const studentId of ids) {
    const r = rand();
    if (r < 0.15) continue; // no reservation: these students arrive with the 学信网 code or as walk-ins
    const slot = slots[Math.floor(rand() * slots.length)]!;
    const rid = randomUUID();
    upsertReservation(
      ctx.db,
      {
        id: rid,
        task_code: DEMO_TASK_CODE,
        student_id: studentId,
        slot_id: slot.id,
        payment_state: r < 0.9 ? '预授权' : '未支付',
        state: r > 0.97 ? 'cancelled' : 'active',
        token: signDemoToken({ rid, sid: studentId, task: DEMO_TASK_CODE, slot: slot.id, exp: endOfLocalDaySeconds(slot.date) }),
      },
      now,
    );
  }
}
