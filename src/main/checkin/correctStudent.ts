import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { CorrectionInput, StudentFieldName, StudentFields } from '../../shared/checkin/studentEdits.js';
import type { Operator } from '../../shared/domain/entities.js';
import { AppError } from '../../shared/errors.js';
import { maskIdNumber } from '../../shared/idNumber.js';
import { writeAudit } from '../db/queries/audit.js';
import { getOrderForStudent } from '../db/queries/orders.js';
import { enqueueJob } from '../db/queries/outbox.js';
import {
  findStudentIdByIdHmac,
  findStudentIdByStudentNo,
  getStudent,
  updateStudentColumns,
  type CorrectableColumn,
  type StudentRow,
} from '../db/queries/students.js';
import { nameInitials } from '../roster/nameInitials.js';
import { identityColumns } from '../security/identityColumns.js';
import type { AppContext } from '../services/AppContext.js';

type Plain = Exclude<StudentFieldName, 'name' | 'idNumber'>;
const PLAIN_COLUMNS: Record<Plain, Exclude<CorrectableColumn, 'name' | 'name_initials' | 'id_enc' | 'id_hmac' | 'id_masked' | 'id_last4'>> = {
  gender: 'gender',
  studentNo: 'student_no',
  examNo: 'exam_no',
  department: 'department',
  major: 'major',
  eduLevel: 'edu_level',
  eduCategory: 'edu_category',
  className: 'class_name',
};

/**
 * A photographer fixes roster data on the card (a misspelt name, a wrong 学号). Every changed field
 * goes to the audit log as from → to (sealed; ID numbers only ever masked) with the reason, and a
 * sync job tells the server, all in one transaction.
 */
export function correctStudent(ctx: AppContext, operator: Operator, input: z.output<typeof CorrectionInput>): { changed: StudentFieldName[] } {
  const { taskCode, studentId, changes, reason } = input;
  return ctx.db
    .transaction(() => {
      const s = getStudent(ctx.db, taskCode, studentId);
      if (!s) throw new AppError('NOT_FOUND', { zh: '名单中没有这位学生', en: 'No such student in this task' });
      const values: Partial<Pick<StudentRow, CorrectableColumn>> = {};
      const audit: Record<string, { from: unknown; to: unknown }> = {};
      const changed: StudentFieldName[] = [];

      if (changes.name !== undefined && changes.name !== s.name) {
        values.name = changes.name;
        values.name_initials = nameInitials(changes.name);
        audit.name = { from: s.name, to: changes.name };
        changed.push('name');
      }
      if (changes.idNumber !== undefined) applyIdNumber(ctx, s, changes.idNumber, values, audit, changed);
      for (const field of Object.keys(PLAIN_COLUMNS) as Plain[]) {
        const next = changes[field];
        const column = PLAIN_COLUMNS[field];
        if (next === undefined || next === s[column]) continue;
        if (field === 'studentNo' && next !== null) {
          const holder = findStudentIdByStudentNo(ctx.db, taskCode, next as string);
          if (holder && holder !== s.id) throw new AppError('CONFLICT', { zh: `学号 ${next} 已属于另一名学生`, en: `Student number ${next} belongs to another student` });
        }
        (values as Record<string, unknown>)[column] = next;
        audit[field] = { from: s[column], to: next };
        changed.push(field);
      }
      if (changed.length === 0) throw new AppError('BAD_INPUT', { zh: '内容与原来相同，没有修改', en: 'Nothing differs from what is stored' });

      const now = ctx.now().toISOString();
      updateStudentColumns(ctx.db, s.id, values, now);
      // Names and numbers are personal data: the audit row says which fields changed in the clear
      // and seals the before/after values with the station's PII key for whoever may read them.
      writeAudit(ctx.db, {
        at: now,
        operatorId: operator.id,
        action: 'student.correct',
        entity: 'student',
        entityId: s.id,
        detail: { fields: changed, sealed: ctx.pii.encrypt(JSON.stringify(audit)) },
        reason,
      });
      const order = getOrderForStudent(ctx.db, taskCode, s.id);
      enqueueJob(ctx.db, { id: `student-correction:${randomUUID()}`, kind: 'student.correction', order_id: order?.id ?? null, payload: { studentId: s.id, taskCode, fields: changed, reason, operatorId: operator.id, operatorName: operator.name, at: now } }, now);
      return { changed };
    })
    .immediate();
}

function applyIdNumber(
  ctx: AppContext,
  s: StudentRow,
  next: StudentFields['idNumber'],
  values: Partial<Pick<StudentRow, CorrectableColumn>>,
  audit: Record<string, { from: unknown; to: unknown }>,
  changed: StudentFieldName[],
): void {
  const identity = identityColumns(ctx.pii, next);
  if (identity.id_hmac === s.id_hmac) return;
  if (identity.id_hmac) {
    const holder = findStudentIdByIdHmac(ctx.db, s.task_code, identity.id_hmac);
    if (holder && holder !== s.id) throw new AppError('CONFLICT', { zh: '该身份证号已属于名单中另一名学生', en: 'This ID number belongs to another student on the roster' });
  }
  Object.assign(values, identity);
  audit.idNumber = { from: s.id_masked, to: next ? maskIdNumber(next) : null };
  changed.push('idNumber');
}
