import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { WalkinInput } from '../../shared/checkin/studentEdits.js';
import type { Operator } from '../../shared/domain/entities.js';
import { AppError } from '../../shared/errors.js';
import { writeAudit } from '../db/queries/audit.js';
import { findStudentIdByIdHmac, getStudent, insertStudent } from '../db/queries/students.js';
import { getTask } from '../db/queries/tasks.js';
import { nameInitials } from '../roster/nameInitials.js';
import { sha256Hex } from '../security/digest.js';
import { identityColumns } from '../security/identityColumns.js';
import { openOrderInTransaction } from '../services/checkin.js';
import type { AppContext } from '../services/AppContext.js';

export const PENDING_NAME = '待识别';

/**
 * On-site registration for a student the roster does not cover (no reservation, no ID card, not
 * listed, or a 学信网 code nobody matched). The student, the order marked for the server to match,
 * and the audit row commit together.
 */
export function registerWalkin(ctx: AppContext, operator: Operator, input: z.output<typeof WalkinInput>): { studentId: string; orderId: string } {
  const { taskCode, student: f } = input;
  const result = ctx.db
    .transaction(() => {
      const task = getTask(ctx.db, taskCode);
      if (!task) throw new AppError('NOT_FOUND', { zh: `任务 ${taskCode} 不存在`, en: `Task ${taskCode} does not exist` });
      const identity = identityColumns(ctx.pii, f.idNumber);
      if (identity.id_hmac) {
        const existing = findStudentIdByIdHmac(ctx.db, taskCode, identity.id_hmac);
        if (existing) {
          const who = getStudent(ctx.db, taskCode, existing)?.name ?? '';
          throw new AppError('CONFLICT', {
            zh: `该身份证号已在名单中（${who}），请直接查找该学生`,
            en: `This ID number is already on the roster (${who}); search for the student instead`,
          });
        }
      }
      const now = ctx.now().toISOString();
      const studentId = randomUUID();
      insertStudent(
        ctx.db,
        {
          id: studentId,
          task_code: taskCode,
          name: f.name,
          name_initials: nameInitials(f.name),
          gender: f.gender,
          ...identity,
          student_no: f.studentNo,
          exam_no: f.examNo,
          school_name: task.school_name,
          school_code: task.school_code,
          department: f.department,
          major: f.major,
          edu_level: f.eduLevel,
          edu_category: f.eduCategory,
          class_name: f.className,
          xuexin_digest: input.pendingCode ? sha256Hex(input.pendingCode) : null,
          feature_code_digest: null,
          admission_photo_ref: null,
          source: 'walkin',
          pending_code_enc: input.pendingCode ? ctx.pii.encrypt(input.pendingCode) : null,
        },
        now,
      );
      writeAudit(ctx.db, {
        at: now,
        operatorId: operator.id,
        action: 'walkin.register',
        entity: 'student',
        entityId: studentId,
        detail: { walkinReason: input.reason, hasIdNumber: f.idNumber !== null, hasPendingCode: input.pendingCode !== undefined },
        ...(input.note ? { reason: input.note } : {}),
      });
      const order = openOrderInTransaction(ctx, operator, taskCode, studentId);
      return { studentId, orderId: order.orderId };
    })
    .immediate();
  ctx.emit('orders.changed', { taskCode, orderId: result.orderId });
  return result;
}
