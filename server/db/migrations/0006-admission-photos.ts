import type { Kysely } from 'kysely';

/**
 * Admission photos beside the capture on the review page (issue 15): a station sends the admission
 * photo it holds for an order's student; the server keeps it sealed with the master key, one per
 * order (a newer one replaces it), for that order only. The row names the sealed file and what was
 * read from the image on arrival; the plain bytes are in neither.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('order_admission_photos')
    .addColumn('order_id', 'text', (c) => c.primaryKey())
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
}
