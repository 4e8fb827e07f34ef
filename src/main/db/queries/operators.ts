import type { Role } from '../../../shared/domain/status.js';
import type { Db } from '../openDatabase.js';
import { stmt } from '../statementCache.js';

export interface OperatorRow {
  id: string;
  name: string;
  role: Role;
  pin_hash: string;
}

export function listActiveOperators(db: Db): OperatorRow[] {
  return stmt<[], OperatorRow>(db, 'SELECT id, name, role, pin_hash FROM operators WHERE active = 1 ORDER BY id').all();
}

/** Site managers only: the PINs a lock override may be checked against. */
export function listActiveManagers(db: Db): OperatorRow[] {
  return stmt<[], OperatorRow>(db, `SELECT id, name, role, pin_hash FROM operators WHERE active = 1 AND role = 'manager' ORDER BY id`).all();
}

export function operatorNames(db: Db): Map<string, string> {
  return new Map(stmt<[], { id: string; name: string }>(db, 'SELECT id, name FROM operators').all().map((r) => [r.id, r.name]));
}

export function insertOperator(db: Db, op: OperatorRow, now: string): void {
  stmt(db, 'INSERT INTO operators (id, name, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)').run(op.id, op.name, op.role, op.pin_hash, now);
}

export function countOperators(db: Db): number {
  return stmt<[], { n: number }>(db, 'SELECT count(*) AS n FROM operators').get()!.n;
}
