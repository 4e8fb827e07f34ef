import { sql, type Kysely } from 'kysely';

/**
 * Trust between the server and its stations (issue 19):
 * - an enrolment code may be made for one station id (and then re-issues it) and names the tasks
 *   the station works on; a station sees only those tasks' rosters, reservations and reviews;
 * - a photo is held *for the stations that uploaded it*: an order may name only photos its own
 *   station sent, whoever else sent the same bytes;
 * - an order is visible to other stations of its task only once it matters to them (rejected, or
 *   two stations on one student): `shared`, sticky;
 * - the review page's sessions live server-side so logging out ends them;
 * - admin actions that move trust (re-issue, revoke, task scope, order takeover) are audited.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('enrol_codes').addColumn('station_id', 'text').execute();
  await db.schema.alterTable('enrol_codes').addColumn('tasks_json', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  await db.schema.alterTable('enrol_codes').addColumn('reissue', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await db.schema
    .createTable('station_tasks')
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('task_code', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('station_tasks_pk', ['station_id', 'task_code'])
    .execute();
  // Stations enrolled before this migration worked on every task; they keep that until the admin narrows it.
  await sql`INSERT INTO station_tasks (station_id, task_code) SELECT DISTINCT s.station_id, t.code FROM stations s CROSS JOIN tasks t`.execute(db);
  await db.schema.createIndex('stations_station_id').on('stations').column('station_id').execute();

  await db.schema
    .createTable('photo_holders')
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('photo_holders_pk', ['sha256', 'station_id'])
    .execute();
  await sql`INSERT INTO photo_holders (sha256, station_id, received_at)
    SELECT DISTINCT p.sha256, o.station_id, ph.received_at FROM order_photos p
    JOIN orders o ON o.id = p.order_id JOIN photos ph ON ph.sha256 = p.sha256`.execute(db);

  await db.schema.alterTable('orders').addColumn('shared', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await sql`UPDATE orders SET shared = 1 WHERE status = '被驳回' OR conflict = 1`.execute(db);
  await db.schema.createIndex('orders_task_station').on('orders').columns(['task_code', 'station_id']).execute();

  await db.schema
    .createTable('review_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('admin_fp', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('admin_audit')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('detail_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('admin_audit_target').on('admin_audit').columns(['target', 'at']).execute();
}
