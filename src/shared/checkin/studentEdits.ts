import { z } from 'zod';
import { TaskCode } from '../domain/entities.js';
import { EduLevel } from '../domain/status.js';
import { validateIdNumber } from '../idNumber.js';

/** A blank field on a form means "not known", stored as null rather than as an empty string. */
const optText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .transform((v) => (v ? v : null));

const ID_PROBLEMS = { format: '身份证号应为 18 位', birthdate: '身份证号中的出生日期无效', checksum: '身份证号校验位不正确' } as const;

/** Validated and normalised (upper-case X): the keyed hash, the duplicate check and last-4 search
 * all depend on one spelling per ID number. */
export const IdNumberInput = optText(18).transform((v, c) => {
  if (v === null) return null;
  const r = validateIdNumber(v);
  if (r.ok) return r.value;
  c.addIssue({ code: 'custom', message: ID_PROBLEMS[r.problem] });
  return z.NEVER;
});

/** Roster fields staff may enter for a walk-in or correct on the card. School comes from the task. */
export const StudentFields = z
  .object({
    name: z.string().trim().min(1, '请填写姓名').max(40),
    gender: z.enum(['男', '女']).nullable(),
    idNumber: IdNumberInput,
    studentNo: optText(32),
    examNo: optText(32),
    department: optText(64),
    major: optText(64),
    eduLevel: EduLevel.nullable(),
    eduCategory: optText(32),
    className: optText(64),
  })
  .strict();
export type StudentFields = z.output<typeof StudentFields>;
export type StudentFieldName = keyof StudentFields;

export const WALKIN_REASONS = ['no_reservation', 'no_id_card', 'not_in_roster', 'pending_identification'] as const;
export const WalkinReason = z.enum(WALKIN_REASONS);

export const Reason = z.string().trim().min(2, '请写明原因').max(200);

/** The name a 学信网 code nobody matched is registered under until the server says who it is. */
export const PENDING_NAME = '待识别';

export const WalkinInput = z
  .object({
    taskCode: TaskCode,
    /** Made by the form once: a retry after a dropped connection registers nobody twice. */
    requestId: z.uuid(),
    student: StudentFields,
    reason: WalkinReason,
    note: z.string().trim().max(200).optional(),
    /** The raw 学信网 code that matched nobody, kept for the server to resolve. */
    pendingCode: z.string().trim().min(1).max(2048).optional(),
  })
  .strict();

export const CorrectionInput = z
  .object({
    taskCode: TaskCode,
    studentId: z.string().min(1).max(64),
    changes: StudentFields.partial().refine((c) => Object.keys(c).length > 0, '没有要修改的内容'),
    reason: Reason,
  })
  .strict();
