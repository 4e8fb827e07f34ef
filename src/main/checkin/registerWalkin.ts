import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { WalkinInput } from '../../shared/checkin/studentEdits.js';
import type { Operator } from '../../shared/domain/entities.js';
import { AppError } from '../../shared/errors.js';
import { writeAudit } from '../db/queries/audit.js';
import { getOrderForStudent } from '../db/queries/orders.js';
import { findStudentIdByIdHmac, findStudentIdByWalkinRequest, findStudentIdByXuexinDigest, insertStudent } from '../db/queries/students.js';
import { getTask } from '../db/queries/tasks.js';
import { nameInitials } from '../roster/nameInitials.js';
import { sha256Hex } from '../security/digest.js';
import { identityColumns } from '../security/identityColumns.js';
import { openOrderInTransaction } from '../services/checkin.js';
import type { AppContext } from '../services/AppContext.js';

/**
 * On-site registration for a student the roster does not cover (no reservation, no ID card, not
 * listed, or a 学信网 code nobody matched). The student, the order marked for the server to match,
 * and the audit row commit together. The same request id twice (a retry after a dropped
 * connection, a double click) returns the first registration.
 */
export function registerWalkin(ctx: AppContext, operator: Operator, input: z.output<typeof WalkinInput>): { studentId: string; orderId: string } {
  const { taskCode, student: f } = input;
  const result = ctx.db
    .transaction(() => {
      const task = getTask(ctx.db, taskCode);
      if (!task) throw new AppError('NOT_FOUND', { zh: `任务 ${taskCode} 不存在`, en: `Task ${taskCode} does not exist` });
      const earlier = findStudentIdByWalkinRequest(ctx.db, input.requestId);
      if (earlier) {
        const order = getOrderForStudent(ctx.db, taskCode, earlier);
        if (order) return { studentId: earlier, orderId: order.id, created: false };
      }
      const identity = identityColumns(ctx.pii, f.idNumber);
      // Refused without naming who holds the number: a typed ID number must not reveal a name.
      if (identity.id_hmac && findStudentIdByIdHmac(ctx.db, taskCode, identity.id_hmac)) {
        throw new AppError('CONFLICT', {
          zh: '该身份证号已在本任务名单中，请按身份证后四位查找该学生',
          en: 'This ID number is already on the task roster; search by its last 4 digits',
        });
      }
      const digest = input.pendingCode ? sha256Hex(input.pendingCode) : null;
      if (digest && findStudentIdByXuexinDigest(ctx.db, taskCode, digest)) {
        throw new AppError('CONFLICT', { zh: '该采集码已对应一名学生，请重新扫码', en: 'This capture code already belongs to a student; scan it again' });
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
          xuexin_digest: digest,
          feature_code_digest: null,
          admission_photo_ref: null,
          source: 'walkin',
          pending_code_enc: input.pendingCode ? ctx.pii.encrypt(input.pendingCode) : null,
          walkin_request_id: input.requestId,
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
      const order = openOrderInTransaction(ctx, operator, taskCode, studentId, null);
      return { studentId, orderId: order.orderId, created: true };
    })
    .immediate();
  if (result.created) ctx.emit('orders.changed', { taskCode, orderId: result.orderId });
  return { studentId: result.studentId, orderId: result.orderId };
}
