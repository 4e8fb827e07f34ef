import type { Selectable } from 'kysely';
import type { OrderAdmissionPhotosTable } from './schema.js';
import type { Tx } from './tx.js';

export type OrderAdmissionRow = Selectable<OrderAdmissionPhotosTable>;

export async function getOrderAdmission(tx: Tx, orderId: string): Promise<OrderAdmissionRow | undefined> {
  return tx.db.selectFrom('order_admission_photos').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

/** Which of these orders have an admission photo on the server (the review list). */
export async function ordersWithAdmission(tx: Tx, orderIds: readonly string[]): Promise<Set<string>> {
  if (orderIds.length === 0) return new Set();
  const rows = await tx.db.selectFrom('order_admission_photos').select('order_id').where('order_id', 'in', orderIds).execute();
  return new Set(rows.map((r) => r.order_id));
}

/** One admission photo per order: a newer one replaces it. Returns the file the replaced row named, to remove after commit. */
export async function putOrderAdmission(tx: Tx, row: OrderAdmissionRow): Promise<string | null> {
  const before = await tx.db.selectFrom('order_admission_photos').select('path').where('order_id', '=', row.order_id).executeTakeFirst();
  const { order_id: _id, ...rest } = row;
  await tx.db
    .insertInto('order_admission_photos')
    .values(row)
    .onConflict((oc) => oc.column('order_id').doUpdateSet(rest))
    .execute();
  return before && before.path !== row.path ? before.path : null;
}
