import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { AdminAuditTable } from './schema.js';
import type { Tx } from './tx.js';

export type AdminAuditRow = Selectable<AdminAuditTable>;

/** One admin action that moved trust, written in the caller's transaction. */
export async function recordAdminAction(tx: Tx, a: { at: string; action: string; target: string; reason: string | null; detail: Record<string, unknown> }): Promise<void> {
  await tx.db
    .insertInto('admin_audit')
    .values({ id: randomUUID(), at: a.at, action: a.action, target: a.target, reason: a.reason, detail_json: JSON.stringify(a.detail) })
    .execute();
}

export async function listAdminActions(tx: Tx, filter: { target?: string; limit: number }): Promise<AdminAuditRow[]> {
  let q = tx.db.selectFrom('admin_audit').selectAll();
  if (filter.target) q = q.where('target', '=', filter.target);
  return q.orderBy('at', 'desc').orderBy('id').limit(filter.limit).execute();
}
