import type { StudentCorrectionUpload } from '../../src/shared/sync/protocol.js';
import { getCorrection, insertCorrection } from '../db/corrections.js';
import { recordChanges, type FeedChange } from '../db/feedLog.js';
import { requireStationTask, type Station } from './enrolment.js';
import { findStudentByIdHmac, getStudent, updateStudent, type StudentRow } from '../db/students.js';
import { getTask } from '../db/tasks.js';
import { inTransaction } from '../db/tx.js';
import { ServerFailure } from '../http/ServerFailure.js';
import { nowIso, type ServerContext } from '../ServerContext.js';

type Fields = StudentCorrectionUpload['fields'];

/** The student columns a correction's fields set (only the fields it names). */
function patchOf(ctx: ServerContext, taskCode: string, f: Fields): Partial<StudentRow> {
  const p: Partial<StudentRow> = {};
  if (f.name !== undefined) p.name = f.name;
  if (f.gender !== undefined) p.gender = f.gender;
  if (f.idNumber !== undefined) {
    p.id_number_sealed = f.idNumber ? ctx.keys.sealText(f.idNumber) : null;
    p.id_number_hmac = f.idNumber ? ctx.keys.lookupDigest(`${taskCode}:${f.idNumber}`) : null;
    p.id_last4 = f.idNumber ? f.idNumber.slice(-4) : null;
  }
  if (f.studentNo !== undefined) p.student_no = f.studentNo;
  if (f.examNo !== undefined) p.exam_no = f.examNo;
  if (f.department !== undefined) p.department = f.department;
  if (f.major !== undefined) p.major = f.major;
  if (f.eduLevel !== undefined) p.edu_level = f.eduLevel;
  if (f.eduCategory !== undefined) p.edu_category = f.eduCategory;
  if (f.className !== undefined) p.class_name = f.className;
  return p;
}

/**
 * PUT /v1/corrections/:id: a roster correction made (and audited) at a station. Kept once per id;
 * applied to the server's student unless a newer correction already was, and then published in
 * the roster feed so every station sees the corrected data. A correction for a student the server
 * does not know yet (a walk-in whose order has not arrived) is kept but not applied.
 */
export async function storeCorrection(ctx: ServerContext, station: Station, body: StudentCorrectionUpload): Promise<{ outcome: 'stored' | 'duplicate' }> {
  if (body.stationId !== station.station_id) {
    throw new ServerFailure('CONFLICT', { zh: '更正的采集站编号与本设备登记的不符', en: "The correction's stationId is not the one this device enrolled as" });
  }
  requireStationTask(station, body.taskCode);
  const now = nowIso(ctx);
  return inTransaction(ctx.tx, async (t) => {
    const existing = await getCorrection(t, body.id);
    if (existing) {
      if (existing.station_id !== station.station_id) {
        ctx.log('warn', 'correction id of another station', { correctionId: body.id, owner: existing.station_id, requester: station.station_id });
        throw new ServerFailure('FORBIDDEN', { zh: '此更正编号属于另一个采集站', en: 'This correction id belongs to another station' });
      }
      if (existing.task_code !== body.taskCode || existing.student_id !== body.studentId) {
        throw new ServerFailure('CONFLICT', { zh: '同一更正编号用于不同的学生', en: 'This correction id was used for another student' });
      }
      return { outcome: 'duplicate' as const };
    }
    if (!(await getTask(t, body.taskCode))) throw new ServerFailure('UNKNOWN_TASK');
    const student = await getStudent(t, body.studentId, { lock: true });
    if (student && student.task_code !== body.taskCode) throw new ServerFailure('CONFLICT', { zh: '该学生属于另一个采集任务', en: 'This student belongs to another task' });
    const changes: FeedChange[] = [];
    let applied = 0;
    if (student && (student.corrected_at === null || body.at >= student.corrected_at)) {
      const patch = patchOf(ctx, body.taskCode, body.fields);
      if (patch.id_number_hmac) {
        const holder = await findStudentByIdHmac(t, body.taskCode, patch.id_number_hmac);
        if (holder && holder.id !== student.id) {
          throw new ServerFailure('CONFLICT', { zh: '该身份证号已属于本任务中的另一名学生', en: 'Another student in this task has that ID number', details: [`student: ${holder.id}`] });
        }
      }
      await updateStudent(t, student.id, { ...patch, corrected_at: body.at, updated_at: now });
      applied = 1;
      if (student.source === 'roster') changes.push({ feed: 'roster', key: student.id });
    }
    await insertCorrection(t, {
      id: body.id,
      task_code: body.taskCode,
      student_id: body.studentId,
      station_id: body.stationId,
      device_id: station.device_id,
      operator_json: body.operator ? JSON.stringify(body.operator) : null,
      at: body.at,
      reason: body.reason,
      fields_sealed: ctx.keys.sealText(JSON.stringify(body.fields)),
      applied,
      received_at: now,
    });
    await recordChanges(t, changes);
    return { outcome: 'stored' as const };
  });
}
