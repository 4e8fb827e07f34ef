import type { Db } from '../openDatabase.js';
import { stmt } from '../statementCache.js';

/** The audit log as the site manager reads it: newest first, a page at a time, by action prefix. */
export interface AuditPageRow {
  id: number;
  at: string;
  operator_id: string | null;
  operator_name: string | null;
  action: string;
  entity: string | null;
  entity_id: string | null;
  detail: string | null;
  reason: string | null;
  /** The student the entry is about (an order's or a student's entry), for people to read. */
  student_name: string | null;
  student_no: string | null;
}

export function listAuditPage(db: Db, q: { beforeId: number | null; actionPrefix: string | null; limit: number }): AuditPageRow[] {
  return stmt<[{ before: number; prefix: string; limit: number }], AuditPageRow>(
    db,
    `SELECT a.id, a.at, a.operator_id, op.name AS operator_name, a.action, a.entity, a.entity_id, a.detail, a.reason,
            s.name AS student_name, s.student_no
     FROM audit_log a LEFT JOIN operators op ON op.id = a.operator_id
     LEFT JOIN orders o ON a.entity = 'order' AND o.id = a.entity_id
     LEFT JOIN students s ON s.id = CASE WHEN a.entity = 'student' THEN a.entity_id ELSE o.student_id END
     WHERE a.id < @before AND substr(a.action, 1, length(@prefix)) = @prefix
     ORDER BY a.id DESC LIMIT @limit`,
  ).all({ before: q.beforeId ?? Number.MAX_SAFE_INTEGER, prefix: q.actionPrefix ?? '', limit: q.limit });
}
