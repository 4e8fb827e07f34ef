import { z } from 'zod';
import { TimeSlot, type StudentCard } from '../../shared/domain/entities.js';
import { AppError } from '../../shared/errors.js';
import { getOrderForStudent } from '../db/queries/orders.js';
import { getReservationForStudent } from '../db/queries/reservations.js';
import { getStudent } from '../db/queries/students.js';
import { getTask } from '../db/queries/tasks.js';
import type { AppContext } from './AppContext.js';

const Slots = z.array(TimeSlot);

export function getStudentCard(ctx: AppContext, taskCode: string, studentId: string): StudentCard {
  const s = getStudent(ctx.db, taskCode, studentId);
  if (!s) throw new AppError('NOT_FOUND', { zh: '名单中没有这位学生', en: 'No such student in this task' });
  const task = getTask(ctx.db, taskCode);
  const reservation = getReservationForStudent(ctx.db, s.id);
  const order = getOrderForStudent(ctx.db, taskCode, s.id);
  const slots = task ? Slots.parse(JSON.parse(task.slots)) : [];
  return {
    id: s.id,
    taskCode: s.task_code,
    name: s.name,
    gender: s.gender,
    idMasked: s.id_masked,
    studentNo: s.student_no,
    examNo: s.exam_no,
    schoolName: s.school_name,
    schoolCode: s.school_code,
    department: s.department,
    major: s.major,
    eduLevel: s.edu_level,
    eduCategory: s.edu_category,
    className: s.class_name,
    source: s.source,
    pendingIdentification: s.pending_code_enc !== null,
    hasAdmissionPhoto: s.admission_photo_ref !== null,
    reservation: reservation
      ? {
          id: reservation.id,
          slot: slots.find((sl) => sl.id === reservation.slot_id) ?? null,
          paymentState: reservation.payment_state,
          state: reservation.state,
        }
      : null,
    order: order
      ? {
          id: order.id,
          status: order.status,
          checkedInAt: order.checked_in_at,
          capturedAt: order.captured_at,
          atThisStation: order.station_id === ctx.stationId,
          rejectionReason: order.rejection_reason,
          conflict: order.conflict === 1,
        }
      : null,
  };
}
