import type { TimeSlot } from '../domain/entities.js';
import type { PaymentState, ReservationState } from '../domain/status.js';
import { localDateOf } from '../localDate.js';
import { endOfLocalDay, type CheckinMode, type FeatureCodeFormat } from '../checkin/taskRules.js';
import type { TaskRights } from '../domain/taskRights.js';
import { DEMO_PUBLIC_KEY_B64, signDemoToken } from './demoIssuer.js';
import { generateDemoStudents, type DemoStudent } from './demoRoster.js';
import { seededRandom } from './seededRandom.js';

export const DEMO_TASK_CODE = 'DEMO2026';
export const DEMO_SCHOOL = { name: '示范大学', code: '99999' };

export interface DemoReservation {
  id: string;
  studentId: string;
  slot: TimeSlot;
  paymentState: PaymentState;
  state: ReservationState;
  token: string;
}

export interface DemoTaskPlan {
  task: {
    code: string;
    name: string;
    schoolName: string;
    schoolCode: string;
    site: string;
    sessionDates: string[];
    slots: TimeSlot[];
    specId: string;
    priceCents: number;
    publicKey: string;
    featureCodeFormat: FeatureCodeFormat;
    checkinMode: CheckinMode;
  } & TaskRights;
  students: (DemoStudent & { id: string })[];
  reservations: DemoReservation[];
}

function halfHourSlots(date: string): TimeSlot[] {
  const slots: TimeSlot[] = [];
  for (let m = 8 * 60 + 30; m < 17 * 60; m += 30) {
    if (m >= 12 * 60 && m < 13 * 60 + 30) continue; // lunch
    const hhmm = (x: number) => `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;
    slots.push({ id: `${date}-${hhmm(m).replace(':', '')}`, date, start: hhmm(m), end: hhmm(m + 30) });
  }
  return slots;
}

/**
 * The demo task with sessions today and tomorrow, its students and their reservations. Ids are fixed
 * (not random) because the demo station and the embedded demo server each seed it and must agree:
 * the station's roster pull then meets the same students and reservations, not copies.
 */
export function demoTaskPlan(today: Date, count = 300): DemoTaskPlan {
  const dates = [localDateOf(today), localDateOf(new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1))];
  const slots = dates.flatMap(halfHourSlots);
  const students = generateDemoStudents(count).map((s, i) => ({ ...s, id: `${DEMO_TASK_CODE}-S${String(i + 1).padStart(4, '0')}` }));
  // Tokens are signed as the server signs them: good at any session of the task (issue 14).
  const exp = endOfLocalDay(dates[dates.length - 1]!);
  const rand = seededRandom(7);
  const reservations: DemoReservation[] = [];
  for (const s of students) {
    const r = rand();
    if (r < 0.15) continue; // no reservation: these students arrive with the 学信网 code or as walk-ins
    const slot = slots[Math.floor(rand() * slots.length)]!;
    const id = `${DEMO_TASK_CODE}-R${s.id.slice(-4)}`;
    reservations.push({
      id,
      studentId: s.id,
      slot,
      paymentState: r < 0.9 ? '预授权' : '未支付',
      state: r > 0.97 ? 'cancelled' : 'active',
      token: signDemoToken({ rid: id, sid: s.id, task: DEMO_TASK_CODE, slot: slot.id, exp }),
    });
  }
  return {
    task: {
      code: DEMO_TASK_CODE,
      name: '2026届毕业生图像信息采集（演示）',
      schoolName: DEMO_SCHOOL.name,
      schoolCode: DEMO_SCHOOL.code,
      site: '图书馆一楼大厅',
      sessionDates: dates,
      slots,
      specId: 'xuexin',
      priceCents: 2500,
      // A real task's key comes from the central server; the demo's is public on purpose.
      publicKey: DEMO_PUBLIC_KEY_B64,
      // The demo roster's 特征码 are 6 letters or digits (demoRoster.ts), read at a 集中 session.
      featureCodeFormat: { length: 6, alphabet: 'alnum' },
      checkinMode: '集中',
      // Photographers may withdraw here (a real task's default is the site manager only), so the demo
      // shows 撤回审核 on the student card to either PIN; the camera's settings stay anyone's.
      photographerMayWithdraw: true,
      photographerMaySetCamera: true,
    },
    students,
    reservations,
  };
}
