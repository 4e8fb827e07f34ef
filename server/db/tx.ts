import type { Kysely, Transaction } from 'kysely';
import type { Dialect } from './openStore.js';
import type { ServerDatabase } from './schema.js';

/** What every query function takes first: the handle (a transaction or the pool) and its engine. */
export interface Tx {
  db: Kysely<ServerDatabase> | Transaction<ServerDatabase>;
  dialect: Dialect;
}

/** `SELECT … FOR UPDATE` on PostgreSQL; SQLite has no row locks and needs none (one writer). */
export function lockRows<QB extends { forUpdate(): QB }>(tx: Tx, qb: QB): QB {
  return tx.dialect === 'postgres' ? qb.forUpdate() : qb;
}

/** Runs `fn` in one transaction. On SQLite the single connection serialises transactions; on
 * PostgreSQL the row locks taken inside (lockRows, the feed counter) do. */
export async function inTransaction<T>(tx: Tx, fn: (t: Tx) => Promise<T>): Promise<T> {
  if (tx.db.isTransaction) return fn(tx);
  return (tx.db as Kysely<ServerDatabase>).transaction().execute((trx) => fn({ db: trx, dialect: tx.dialect }));
}
