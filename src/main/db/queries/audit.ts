import type { Db } from '../openDatabase.js';
import { stmt } from '../statementCache.js';

export interface AuditEntry {
  at: string;
  operatorId: string | null;
  action: string;
  entity?: string;
  entityId?: string;
  /** Never a plain ID number or anything a log reader should not see. */
  detail?: Record<string, unknown>;
  reason?: string;
}

export function writeAudit(db: Db, e: AuditEntry): void {
  stmt(db, 'INSERT INTO audit_log (at, operator_id, action, entity, entity_id, detail, reason) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    e.at,
    e.operatorId,
    e.action,
    e.entity ?? null,
    e.entityId ?? null,
    e.detail ? JSON.stringify(e.detail) : null,
    e.reason ?? null,
  );
}

export interface AuditRow {
  id: number;
  at: string;
  operator_id: string | null;
  action: string;
  entity: string | null;
  entity_id: string | null;
  detail: string | null;
  reason: string | null;
}

export function listAudit(db: Db, limit = 200): AuditRow[] {
  return stmt<[number], AuditRow>(db, 'SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit);
}
