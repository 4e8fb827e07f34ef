import { CheckinMode, FeatureCodeFormat } from '../../src/shared/checkin/taskRules.js';
import type { TimeSlot } from '../../src/shared/domain/entities.js';
import { taskRightsFromRow } from '../../src/shared/domain/taskRights.js';
import type { PaymentState, ReservationState } from '../../src/shared/domain/status.js';
import type { EduLevel } from '../../src/shared/domain/status.js';
import type { ReservationItem, ReviewItem, RevocationItem, RosterItem, TaskItem } from '../../src/shared/sync/protocol.js';
import type { OrderRow } from '../db/orders.js';
import type { ReservationRow } from '../db/reservations.js';
import type { StudentRow } from '../db/students.js';
import type { TaskRow } from '../db/tasks.js';
import { isReviewStatus } from '../domain/orderStatus.js';
import type { MasterKey } from '../security/masterKey.js';

/** Rows → the wire items of protocol.ts. Feeds carry the latest state, built when read. */

export function taskItem(t: TaskRow): TaskItem {
  return {
    code: t.code,
    name: t.name,
    schoolName: t.school_name,
    schoolCode: t.school_code,
    site: t.site,
    sessionDates: JSON.parse(t.session_dates) as string[],
    slots: JSON.parse(t.slots) as TimeSlot[],
    specId: t.spec_id,
    priceCents: t.price_cents,
    publicKey: t.public_key,
    // Parsed, not cast: a row outside the rules would otherwise reach every station unchecked.
    featureCodeFormat: FeatureCodeFormat.parse({ length: t.feature_code_length, alphabet: t.feature_code_alphabet }),
    checkinMode: CheckinMode.parse(t.checkin_mode),
    ...taskRightsFromRow(t),
  };
}

export function rosterItem(s: StudentRow, keys: MasterKey): RosterItem {
  return {
    id: s.id,
    taskCode: s.task_code,
    name: s.name,
    gender: s.gender === '男' || s.gender === '女' ? s.gender : null,
    idNumber: s.id_number_sealed ? keys.openText(s.id_number_sealed) : null,
    studentNo: s.student_no,
    examNo: s.exam_no,
    schoolName: s.school_name,
    schoolCode: s.school_code,
    department: s.department,
    major: s.major,
    eduLevel: s.edu_level as EduLevel | null,
    eduCategory: s.edu_category,
    className: s.class_name,
    xuexinDigest: s.xuexin_digest,
    featureCodeDigest: s.feature_code_digest,
    replacesStudentId: s.replaces_student_id,
  };
}

export function reservationItem(r: ReservationRow): ReservationItem {
  return {
    id: r.id,
    taskCode: r.task_code,
    studentId: r.student_id,
    slotId: r.slot_id,
    paymentState: r.payment_state as PaymentState,
    state: r.state as ReservationState,
    token: r.token,
  };
}

/** Null for an order the reviews feed cannot show yet (still waiting for photos). */
export function reviewItem(o: OrderRow): ReviewItem | null {
  if (!isReviewStatus(o.status)) return null;
  return {
    orderId: o.id,
    taskCode: o.task_code,
    studentId: o.student_id,
    stationId: o.station_id,
    status: o.status,
    reason: o.reason,
    revision: o.decided_revision ?? o.revision,
    current: o.current === 1,
    conflict: o.conflict === 1,
    decidedAt: o.decided_at,
  };
}

export function revocationItem(r: ReservationRow): RevocationItem | null {
  if (r.state !== 'cancelled' || !r.cancelled_at) return null;
  return { reservationId: r.id, taskCode: r.task_code, reason: r.cancel_reason ?? '', revokedAt: r.cancelled_at };
}
