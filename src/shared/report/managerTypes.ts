import { z } from 'zod';
import { TaskCode } from '../domain/entities.js';
import { IsoDate } from '../export/exportTypes.js';

/** Site manager (issue 7): the station lock, the station's settings, the audit log view. */

export const LockState = z.object({
  locked: z.boolean(),
  until: z.string().nullable(),
  failures: z.number().int(),
  overrideAllowed: z.boolean(),
});
export type LockState = z.infer<typeof LockState>;

export const MAX_IDLE_LOCK_MINUTES = 240;
export const StationSettings = z.object({
  /** The screen returns to the PIN pad after this many minutes without input; 0: never. */
  idleLockMinutes: z.number().int().min(0).max(MAX_IDLE_LOCK_MINUTES),
});
export type StationSettings = z.infer<typeof StationSettings>;

export const AuditEntryView = z.object({
  id: z.number().int(),
  at: z.string(),
  operatorId: z.string().nullable(),
  operatorName: z.string().nullable(),
  action: z.string(),
  entity: z.string().nullable(),
  entityId: z.string().nullable(),
  /** The entry's details as stored (never an ID number), for display. */
  detail: z.record(z.string(), z.unknown()).nullable(),
  reason: z.string().nullable(),
  /** The student an order's or a student's entry is about: the name masked (张*丰), the 学号 as is. */
  student: z.object({ nameMasked: z.string(), studentNo: z.string().nullable() }).nullable(),
});
export type AuditEntryView = z.infer<typeof AuditEntryView>;

export const ReportRange = z
  .object({ taskCode: TaskCode, from: IsoDate, to: IsoDate })
  .strict()
  .refine((r) => r.from <= r.to, { message: '开始日期晚于结束日期 / from is after to', path: ['to'] });
