import type { Selectable } from 'kysely';
import type { DecisionsTable, OrdersTable } from './schema.js';
import { lockRows, type Tx } from './tx.js';

export type OrderRow = Selectable<OrdersTable>;
export type DecisionRow = Selectable<DecisionsTable>;

export async function getOrder(tx: Tx, id: string, opts: { lock?: boolean } = {}): Promise<OrderRow | undefined> {
  const q = tx.db.selectFrom('orders').selectAll().where('id', '=', id);
  return (opts.lock ? lockRows(tx, q) : q).executeTakeFirst();
}

export async function getOrderByReceiptToken(tx: Tx, token: string): Promise<OrderRow | undefined> {
  return tx.db.selectFrom('orders').selectAll().where('receipt_token', '=', token).executeTakeFirst();
}

export async function ordersByIds(tx: Tx, ids: readonly string[]): Promise<OrderRow[]> {
  if (ids.length === 0) return [];
  return tx.db.selectFrom('orders').selectAll().where('id', 'in', ids).execute();
}

/** Every order of one student in one task (the caller holds the student's lock). */
export async function ordersOfStudent(tx: Tx, taskCode: string, studentId: string): Promise<OrderRow[]> {
  return tx.db.selectFrom('orders').selectAll().where('task_code', '=', taskCode).where('student_id', '=', studentId).orderBy('id').execute();
}

/** A rejected order, or one of two stations' orders for one student, becomes visible to the task's
 * other stations (retakes, the two-station flag) and stays so, so they also hear how it ends. */
function sharedOnce(row: Partial<OrderRow>): Partial<OrderRow> {
  return row.status === '被驳回' || row.conflict === 1 ? { ...row, shared: 1 } : row;
}

export async function insertOrder(tx: Tx, row: OrderRow): Promise<void> {
  await tx.db.insertInto('orders').values(sharedOnce(row) as OrderRow).execute();
}

export async function updateOrder(tx: Tx, id: string, row: Partial<Omit<OrderRow, 'id' | 'received_at'>>): Promise<void> {
  await tx.db.updateTable('orders').set(sharedOnce(row)).where('id', '=', id).execute();
}

export async function listOrders(tx: Tx, filter: { status?: string; taskCode?: string; withdrawn?: boolean; limit: number }): Promise<OrderRow[]> {
  let q = tx.db.selectFrom('orders').selectAll();
  if (filter.status) q = q.where('status', '=', filter.status);
  // 撤回审核: taken back to capture by its station and not yet accepted again.
  if (filter.withdrawn) {
    q = q
      .where('status', 'in', ['已签到', '采集中'])
      .where(({ exists, selectFrom }) => exists(selectFrom('decisions as d').select('d.id').whereRef('d.order_id', '=', 'orders.id').where('d.decision', '=', 'withdraw')));
  }
  if (filter.taskCode) q = q.where('task_code', '=', filter.taskCode);
  return q.orderBy('captured_at').orderBy('id').limit(filter.limit).execute();
}

export async function replaceOrderPhotos(tx: Tx, orderId: string, photos: readonly { role: string; sha256: string }[]): Promise<void> {
  await tx.db.deleteFrom('order_photos').where('order_id', '=', orderId).execute();
  const unique = new Map(photos.map((p) => [`${p.role}:${p.sha256}`, p]));
  if (unique.size === 0) return;
  await tx.db
    .insertInto('order_photos')
    .values([...unique.values()].map((p) => ({ order_id: orderId, role: p.role, sha256: p.sha256 })))
    .execute();
}

/** Orders in `status` whose every named photo is held: work a crash interrupted between the photo's
 * commit and the order's move to review. */
export async function orderIdsCompleteAt(tx: Tx, status: string): Promise<string[]> {
  const rows = await tx.db
    .selectFrom('orders as o')
    .select('o.id')
    .where('o.status', '=', status)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('order_photos as p')
            .leftJoin('photo_holders as ph', (j) => j.onRef('ph.sha256', '=', 'p.sha256').onRef('ph.station_id', '=', 'o.station_id'))
            .select('p.order_id')
            .whereRef('p.order_id', '=', 'o.id')
            .where('ph.sha256', 'is', null),
        ),
      ),
    )
    .execute();
  return rows.map((r) => r.id);
}

/** This station's orders still in `status` that name this photo: the ones its newly arrived photo may complete. */
export async function orderIdsWaitingFor(tx: Tx, sha256: string, status: string, stationId: string): Promise<string[]> {
  const rows = await tx.db
    .selectFrom('order_photos as p')
    .innerJoin('orders as o', 'o.id', 'p.order_id')
    .select('o.id')
    .distinct()
    .where('p.sha256', '=', sha256)
    .where('o.status', '=', status)
    .where('o.station_id', '=', stationId)
    .execute();
  return rows.map((r) => r.id);
}

export async function insertDecision(tx: Tx, row: DecisionRow): Promise<void> {
  await tx.db.insertInto('decisions').values(row).execute();
}

export async function decisionsOf(tx: Tx, orderId: string): Promise<DecisionRow[]> {
  return tx.db.selectFrom('decisions').selectAll().where('order_id', '=', orderId).orderBy('decided_at').orderBy('id').execute();
}
