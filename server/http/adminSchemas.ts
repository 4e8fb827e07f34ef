import { z } from 'zod';
import { CheckinMode, FeatureCodeFormat } from '../../src/shared/checkin/taskRules.js';
import { TimeSlot } from '../../src/shared/domain/entities.js';
import { EduLevel, PaymentState } from '../../src/shared/domain/status.js';
import { DECISIONS } from '../domain/orderStatus.js';
import { SETTLEMENTS } from '../services/settlement.js';

/** Bodies of the admin API (Bearer admin token). Station-facing shapes live in protocol.ts. */
const Date10 = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const Text = (max: number) => z.string().trim().min(1).max(max);
const OptText = (max: number) => z.string().trim().max(max).nullable().optional();

export const TaskCodeParam = z.string().regex(/^[A-Za-z0-9_-]{2,32}$/);

const StationIdParam = z.string().min(1).max(64);
const TaskList = z.array(z.string().regex(/^[A-Za-z0-9_-]{2,32}$/)).min(1).max(100);

export const EnrolCodeBody = z
  .object({
    label: z.string().max(64).nullable().optional(),
    /** Minutes until the code expires; default one day, at most 30 days. */
    ttlMinutes: z.number().int().min(1).max(30 * 24 * 60).optional(),
    /** The tasks the station will work on: it is sent nothing of any other task. */
    tasks: TaskList,
    /** Made for this station id: only a device claiming it may use the code. */
    stationId: StationIdParam.nullable().optional(),
  })
  .strict();

/** Re-issuing a station (its laptop was replaced): the old credential is revoked at once. */
export const ReissueBody = z
  .object({
    reason: z.string().trim().min(1).max(200),
    ttlMinutes: z.number().int().min(1).max(30 * 24 * 60).optional(),
    /** Default: the tasks the station has now. */
    tasks: TaskList.optional(),
  })
  .strict();

export const StationTasksBody = z.object({ tasks: TaskList, reason: z.string().trim().max(200).nullable().optional() }).strict();
export const RevokeBody = z.object({ reason: z.string().trim().max(200).nullable().optional() }).strict();
export const TransferBody = z.object({ toStationId: StationIdParam, reason: z.string().trim().min(1).max(200) }).strict();
export const AuditQuery = z.object({ target: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) }).strict();

export const TaskBody = z
  .object({
    name: Text(128),
    schoolName: Text(128),
    schoolCode: z.string().trim().max(32).default(''),
    site: z.string().trim().max(128).default(''),
    sessionDates: z.array(Date10).min(1).max(366),
    slots: z.array(TimeSlot).max(5000).default([]),
    specId: z.string().min(1).max(64).default('xuexin'),
    priceCents: z.number().int().nonnegative().default(0),
    /** 特征码 format and check-in mode (issue 14); omitted, an update keeps the task's and a new task
     * gets what stations always enforced (6 letters or digits, 集中). */
    featureCodeFormat: FeatureCodeFormat.optional(),
    checkinMode: CheckinMode.optional(),
    /** What a photographer may do at this task's stations (撤回审核; the camera's settings); omitted, an
     * update keeps the task's and a new task gets the defaults of src/shared/domain/taskRights.ts. */
    photographerMayWithdraw: z.boolean().optional(),
    photographerMaySetCamera: z.boolean().optional(),
  })
  .strict()
  .superRefine((t, c) => {
    t.slots.forEach((s, i) => {
      if (!t.sessionDates.includes(s.date)) c.addIssue({ code: 'custom', path: ['slots', i, 'date'], message: 'not one of sessionDates' });
    });
    if (new Set(t.slots.map((s) => s.id)).size !== t.slots.length) c.addIssue({ code: 'custom', path: ['slots'], message: 'slot ids must be unique' });
  });
export type TaskBody = z.infer<typeof TaskBody>;

export const StudentRowBody = z
  .object({
    name: Text(64),
    gender: z.enum(['男', '女']).nullable().optional(),
    idNumber: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^\d{17}[\dX]$/)
      .nullable()
      .optional(),
    studentNo: OptText(32),
    examNo: OptText(32),
    schoolName: OptText(128),
    schoolCode: OptText(32),
    department: OptText(64),
    major: OptText(64),
    eduLevel: EduLevel.nullable().optional(),
    eduCategory: OptText(32),
    className: OptText(64),
    /** The raw 学信网 code and 特征码 (digested here), or their digests. */
    xuexinCode: z.string().max(4096).nullable().optional(),
    featureCode: z.string().max(64).nullable().optional(),
    xuexinDigest: Sha256.nullable().optional(),
    featureCodeDigest: Sha256.nullable().optional(),
  })
  .strict();
export type StudentRowBody = z.infer<typeof StudentRowBody>;
export const StudentImportBody = z.array(StudentRowBody).min(1).max(20_000);

export const ReservationBody = z
  .object({
    taskCode: TaskCodeParam,
    studentId: z.string().min(1).max(64),
    slotId: z.string().min(1).max(64).nullable().optional(),
    paymentState: PaymentState.default('预授权'),
  })
  .strict();

export const CancelBody = z.object({ reason: Text(200) }).strict();

export const SettlementBody = z.object({ outcome: z.enum(['settled', 'refunded']) }).strict();

export const ReservationQuery = z.object({
  taskCode: TaskCodeParam.optional(),
  settlement: z.enum(SETTLEMENTS).optional(),
  date: Date10.optional(),
});

export const DecisionBody = z
  .object({
    decision: z.enum(DECISIONS),
    reason: z.string().trim().max(500).nullable().optional(),
    /** The revision the reviewer looked at: refused (409) if the order changed since. */
    revision: z.number().int().positive().optional(),
    reviewer: z.string().trim().min(1).max(64).optional(),
  })
  .strict();
export type DecisionBody = z.infer<typeof DecisionBody>;

export const OrdersQuery = z.object({
  status: z.enum(['已签到', '采集中', '已采集', '待审核', '被驳回', '待制作', '已完成', '已作废']).optional(),
  taskCode: TaskCodeParam.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const DateParam = Date10;
export const Sha256Param = Sha256;
