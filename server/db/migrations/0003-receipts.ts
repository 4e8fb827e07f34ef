import type { Kysely } from 'kysely';

/** The receipt a station prints carries a random token; the server finds the order by it for the
 * student's status page (/r/<token>). Unique: one token, one order. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('orders').addColumn('receipt_token', 'text').execute();
  await db.schema.createIndex('orders_receipt_token').on('orders').column('receipt_token').unique().execute();
}
