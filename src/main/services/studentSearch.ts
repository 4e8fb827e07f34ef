import type { StudentSummary } from '../../shared/domain/entities.js';
import { OrderStatus } from '../../shared/domain/status.js';
import { searchStudents, type StudentSearchKind, type StudentSearchRow } from '../db/queries/students.js';
import type { AppContext } from './AppContext.js';

const LIMIT = 20;

/** What the photographer typed decides where to look: 4 characters ending in a digit or X are the
 * ID's last four (or a short 学号), longer digit runs a 学号/考生号, latin letters 拼音首字母, anything
 * with Han characters a name. */
export function classifyQuery(raw: string): { kind: StudentSearchKind; q: string } {
  const q = raw.trim();
  if (/^\d{3}[\dXx]$/.test(q)) return { kind: 'last4', q: q.toUpperCase() };
  if (/^\d+[A-Za-z0-9]*$/.test(q)) return { kind: 'number', q };
  if (/^[A-Za-z]+$/.test(q)) return { kind: 'initials', q: q.toLowerCase() };
  return { kind: 'name', q };
}

export function searchStudentSummaries(ctx: AppContext, taskCode: string, query: string): { students: StudentSummary[]; truncated: boolean } {
  const { kind, q } = classifyQuery(query);
  const rows = searchStudents(ctx.db, taskCode, kind, q, LIMIT + 1);
  return {
    truncated: rows.length > LIMIT,
    students: rows.slice(0, LIMIT).map(toStudentSummary),
  };
}

export function toStudentSummary(r: StudentSearchRow): StudentSummary {
  return {
    id: r.id,
    name: r.name,
    idMasked: r.id_masked,
    studentNo: r.student_no,
    department: r.department,
    eduLevel: r.edu_level,
    orderStatus: r.order_status === null ? null : OrderStatus.parse(r.order_status),
  };
}
