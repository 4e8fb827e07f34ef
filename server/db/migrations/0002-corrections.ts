import type { Kysely } from 'kysely';

/** Roster corrections made at stations (protocol.ts StudentCorrectionUpload), kept for the school's
 * records; a student remembers the time of the correction last applied so an older one arriving
 * late never overwrites a newer one. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('corrections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('task_code', 'text', (c) => c.notNull())
    .addColumn('student_id', 'text', (c) => c.notNull())
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('operator_json', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('fields_sealed', 'text', (c) => c.notNull())
    .addColumn('applied', 'integer', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('corrections_student').on('corrections').columns(['task_code', 'student_id']).execute();
  await db.schema.alterTable('students').addColumn('corrected_at', 'text').execute();
}
