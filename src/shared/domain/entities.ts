import { z } from 'zod';
import { CheckinMode, DEFAULT_CHECKIN_MODE, DEFAULT_FEATURE_CODE_FORMAT, FeatureCodeFormat } from '../checkin/taskRules.js';
import { RosterField } from './rosterFields.js';
import { TASK_RIGHTS_FIELDS } from './taskRights.js';
import { EduLevel, OrderStatus, PaymentState, ReservationState, Role, SyncState } from './status.js';

export const TaskCode = z.string().trim().regex(/^[A-Za-z0-9_-]{2,32}$/, '任务代码只能包含字母、数字、-、_');

export const TimeSlot = z.object({
  id: z.string(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  start: z.string().regex(/^\d{2}:\d{2}$/),
  end: z.string().regex(/^\d{2}:\d{2}$/),
});
export type TimeSlot = z.infer<typeof TimeSlot>;

export const TaskSummary = z.object({
  code: TaskCode,
  name: z.string(),
  schoolName: z.string(),
  schoolCode: z.string(),
  site: z.string(),
  sessionDates: z.array(z.string()),
  specId: z.string(),
  studentCount: z.number().int(),
  capturedCount: z.number().int(),
  /** How students check in to this task (issue 14): the 特征码's format, and 集中 or 散排. */
  featureCodeFormat: FeatureCodeFormat.default(DEFAULT_FEATURE_CODE_FORMAT),
  checkinMode: CheckinMode.default(DEFAULT_CHECKIN_MODE),
  /** What a photographer may do here (撤回审核, the camera's settings): the screens offer only that. */
  ...TASK_RIGHTS_FIELDS,
});
export type TaskSummary = z.infer<typeof TaskSummary>;

export const Operator = z.object({ id: z.string(), name: z.string(), role: Role });
export type Operator = z.infer<typeof Operator>;

/** One line in a search result list: enough to tell similar students apart, nothing more. */
export const StudentSummary = z.object({
  id: z.string(),
  name: z.string(),
  idMasked: z.string().nullable(),
  studentNo: z.string().nullable(),
  department: z.string().nullable(),
  eduLevel: EduLevel.nullable(),
  orderStatus: OrderStatus.nullable(),
});
export type StudentSummary = z.infer<typeof StudentSummary>;

export const ReservationView = z.object({
  id: z.string(),
  slot: TimeSlot.nullable(),
  paymentState: PaymentState,
  state: ReservationState,
});

export const StudentCard = z.object({
  id: z.string(),
  taskCode: TaskCode,
  name: z.string(),
  gender: z.enum(['男', '女']).nullable(),
  idMasked: z.string().nullable(),
  studentNo: z.string().nullable(),
  examNo: z.string().nullable(),
  schoolName: z.string(),
  schoolCode: z.string().nullable(),
  department: z.string().nullable(),
  major: z.string().nullable(),
  eduLevel: EduLevel.nullable(),
  eduCategory: z.string().nullable(),
  className: z.string().nullable(),
  source: z.enum(['roster', 'walkin']),
  /** Registered on site from a 学信网 code nobody matched: the server will say who it is. */
  pendingIdentification: z.boolean(),
  hasAdmissionPhoto: z.boolean(),
  reservation: ReservationView.nullable(),
  order: z
    .object({
      id: z.string(),
      status: OrderStatus,
      checkedInAt: z.string().nullable(),
      capturedAt: z.string().nullable(),
      /** False when the order came from another station through sync. */
      atThisStation: z.boolean(),
      /** Why central review sent it back (被驳回): what the retake must fix. */
      rejectionReason: z.string().nullable(),
      /** Another station also photographed this student; the server keeps the later one. */
      conflict: z.boolean(),
    })
    .nullable(),
});
export type StudentCard = z.infer<typeof StudentCard>;

export const OrderRow = z.object({
  id: z.string(),
  studentId: z.string(),
  studentName: z.string(),
  studentNo: z.string().nullable(),
  status: OrderStatus,
  syncState: SyncState,
  operatorName: z.string().nullable(),
  checkedInAt: z.string().nullable(),
  capturedAt: z.string().nullable(),
  updatedAt: z.string(),
  rejectionReason: z.string().nullable(),
});
export type OrderRow = z.infer<typeof OrderRow>;

export const RosterProblem = z.object({
  row: z.number().int(),
  reason: z.enum(['missing_field', 'id_format', 'id_birthdate', 'id_checksum', 'duplicate_in_file', 'duplicate_in_task', 'bad_value']),
  field: RosterField.nullable(),
  zh: z.string(),
  en: z.string(),
});
export type RosterProblem = z.infer<typeof RosterProblem>;

export const RosterImportReport = z.object({
  totalRows: z.number().int(),
  imported: z.number().int(),
  updated: z.number().int(),
  rejected: z.number().int(),
  encoding: z.enum(['utf-8', 'gbk', 'xlsx']),
  problems: z.array(RosterProblem),
});
export type RosterImportReport = z.infer<typeof RosterImportReport>;
