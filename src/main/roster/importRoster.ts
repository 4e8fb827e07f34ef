import { randomUUID } from 'node:crypto';
import type { Operator, RosterImportReport, RosterProblem } from '../../shared/domain/entities.js';
import { AppError } from '../../shared/errors.js';
import { writeAudit } from '../db/queries/audit.js';
import { findStudentIdByIdHmac, findStudentIdByStudentNo, insertStudent, updateStudentFromRoster, type StudentInsert } from '../db/queries/students.js';
import { getTask } from '../db/queries/tasks.js';
import { createLogger } from '../log/logger.js';
import { featureCodeDigest, sha256Hex } from '../security/digest.js';
import { identityColumns } from '../security/identityColumns.js';
import { nameInitials } from './nameInitials.js';
import type { AppContext } from '../services/AppContext.js';
import type { RosterRecord } from './parseRosterRows.js';
import { readRosterInWorker } from './readRosterInWorker.js';
import type { RosterLimits } from './rosterLimits.js';

const log = createLogger('roster');

function requireTask(ctx: AppContext, taskCode: string) {
  const task = getTask(ctx.db, taskCode);
  if (!task) throw new AppError('NOT_FOUND', { zh: `任务 ${taskCode} 不存在`, en: `Task ${taskCode} does not exist` });
  return task;
}

/** Reads, validates and stores a roster file. Bad rows are reported and skipped; good rows import
 * in one transaction. Importing the same file again updates instead of duplicating. The file is
 * read and validated in a worker thread within limits (rosterLimits.ts): the station keeps
 * answering while a hostile file is refused. */
export async function importRosterFile(
  ctx: AppContext,
  operator: Operator | null,
  taskCode: string,
  fileName: string,
  buf: Buffer,
  limits?: RosterLimits,
): Promise<RosterImportReport> {
  requireTask(ctx, taskCode);
  const parsed = await readRosterInWorker(fileName, buf, limits);
  // The rows and the audit entry that explains them commit together.
  const report = ctx.db
    .transaction(() => {
      const stored = storeRosterRecords(ctx, taskCode, parsed.records);
      const problems = [...parsed.problems, ...stored.problems].sort((a, b) => a.row - b.row);
      const report: RosterImportReport = {
        totalRows: parsed.totalRows,
        imported: stored.imported,
        updated: stored.updated,
        rejected: problems.length,
        encoding: parsed.encoding,
        problems,
      };
      writeAudit(ctx.db, {
        at: ctx.now().toISOString(),
        operatorId: operator?.id ?? null,
        action: 'roster.import',
        entity: 'task',
        entityId: taskCode,
        detail: { fileName, totalRows: report.totalRows, imported: report.imported, updated: report.updated, rejected: report.rejected },
      });
      return report;
    })
    .immediate();
  log.info('roster imported', { taskCode, totalRows: report.totalRows, imported: report.imported, updated: report.updated, rejected: report.rejected });
  return report;
}

export function storeRosterRecords(ctx: AppContext, taskCode: string, records: RosterRecord[]): { imported: number; updated: number; problems: RosterProblem[]; ids: string[] } {
  const task = requireTask(ctx, taskCode);
  const now = ctx.now().toISOString();
  return ctx.db
    .transaction(() => {
      let imported = 0;
      let updated = 0;
      const problems: RosterProblem[] = [];
      const ids: string[] = [];
      for (const r of records) {
        const idHmac = ctx.pii.hmac(r.idNumber);
        const existingId = findStudentIdByIdHmac(ctx.db, taskCode, idHmac);
        if (r.studentNo) {
          const holder = findStudentIdByStudentNo(ctx.db, taskCode, r.studentNo);
          if (holder && holder !== existingId) {
            problems.push({ row: r.rowNumber, reason: 'duplicate_in_task', field: 'studentNo', zh: `学号 ${r.studentNo} 已属于任务中另一名学生`, en: `student number ${r.studentNo} already belongs to another student in this task` });
            continue;
          }
        }
        const row: StudentInsert = {
          id: existingId ?? r.id ?? randomUUID(),
          task_code: taskCode,
          name: r.name,
          name_initials: nameInitials(r.name),
          gender: r.gender,
          ...identityColumns(ctx.pii, r.idNumber),
          student_no: r.studentNo,
          exam_no: r.examNo,
          school_name: r.schoolName ?? task.school_name,
          school_code: r.schoolCode ?? task.school_code,
          department: r.department,
          major: r.major,
          edu_level: r.eduLevel,
          edu_category: r.eduCategory,
          class_name: r.className,
          xuexin_digest: r.xuexinCode ? sha256Hex(r.xuexinCode) : null,
          feature_code_digest: r.featureCode ? featureCodeDigest(r.featureCode) : null,
          admission_photo_ref: null,
          source: 'roster',
          pending_code_enc: null,
          walkin_request_id: null,
        };
        if (existingId) {
          updateStudentFromRoster(ctx.db, existingId, row, now);
          updated++;
        } else {
          insertStudent(ctx.db, row, now);
          imported++;
        }
        ids.push(row.id);
      }
      return { imported, updated, problems, ids };
    })
    .immediate();
}
