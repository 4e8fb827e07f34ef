import { sql, type Kysely } from 'kysely';

/**
 * The first schema. Written with Kysely's schema builder so one file creates the same tables on
 * SQLite and PostgreSQL: text instants, integer flags, text JSON, a bigint feed sequence.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('feed_counter')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('feed_counter' as never).values({ id: 1, seq: 0 } as never).execute();

  await db.schema
    .createTable('changes')
    .addColumn('feed', 'text', (c) => c.notNull())
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('changes_pk', ['feed', 'item_key'])
    .execute();
  await db.schema.createIndex('changes_feed_seq').on('changes').columns(['feed', 'seq']).execute();

  await db.schema
    .createTable('server_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('stations')
    .addColumn('device_id', 'text', (c) => c.primaryKey())
    .addColumn('credential_hash', 'text', (c) => c.notNull())
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('station_name', 'text', (c) => c.notNull())
    .addColumn('enrolled_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('enrol_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('label', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('used_by', 'text')
    .execute();

  await db.schema
    .createTable('tasks')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('school_name', 'text', (c) => c.notNull())
    .addColumn('school_code', 'text', (c) => c.notNull())
    .addColumn('site', 'text', (c) => c.notNull())
    .addColumn('session_dates', 'text', (c) => c.notNull())
    .addColumn('slots', 'text', (c) => c.notNull())
    .addColumn('spec_id', 'text', (c) => c.notNull())
    .addColumn('price_cents', 'integer', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('students')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('task_code', 'text', (c) => c.notNull().references('tasks.code'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('gender', 'text')
    .addColumn('id_number_sealed', 'text')
    .addColumn('id_number_hmac', 'text')
    .addColumn('id_last4', 'text')
    .addColumn('student_no', 'text')
    .addColumn('exam_no', 'text')
    .addColumn('school_name', 'text', (c) => c.notNull())
    .addColumn('school_code', 'text')
    .addColumn('department', 'text')
    .addColumn('major', 'text')
    .addColumn('edu_level', 'text')
    .addColumn('edu_category', 'text')
    .addColumn('class_name', 'text')
    .addColumn('xuexin_digest', 'text')
    .addColumn('feature_code_digest', 'text')
    .addColumn('replaces_student_id', 'text')
    .addColumn('walkin_sealed', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('students_task_idnumber')
    .on('students')
    .columns(['task_code', 'id_number_hmac'])
    .unique()
    .where(sql.ref('id_number_hmac'), 'is not', null)
    .execute();
  await db.schema.createIndex('students_task').on('students').columns(['task_code', 'name']).execute();

  await db.schema
    .createTable('reservations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('task_code', 'text', (c) => c.notNull().references('tasks.code'))
    .addColumn('student_id', 'text', (c) => c.notNull().references('students.id'))
    .addColumn('slot_id', 'text')
    .addColumn('slot_date', 'text')
    .addColumn('payment_state', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('settlement', 'text', (c) => c.notNull())
    .addColumn('token', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('cancelled_at', 'text')
    .addColumn('cancel_reason', 'text')
    .execute();
  await db.schema.createIndex('reservations_student').on('reservations').columns(['task_code', 'student_id']).execute();
  await db.schema.createIndex('reservations_date').on('reservations').columns(['task_code', 'slot_date']).execute();

  await db.schema
    .createTable('orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('task_code', 'text', (c) => c.notNull().references('tasks.code'))
    .addColumn('student_id', 'text', (c) => c.notNull().references('students.id'))
    .addColumn('reservation_id', 'text')
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('station_name', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('operator_json', 'text')
    .addColumn('station_status', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('checked_in_at', 'text')
    .addColumn('captured_at', 'text')
    .addColumn('photos_json', 'text', (c) => c.notNull())
    .addColumn('checks_json', 'text')
    .addColumn('face_match_json', 'text')
    .addColumn('current', 'integer', (c) => c.notNull())
    .addColumn('conflict', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('decided_revision', 'integer')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('orders_student').on('orders').columns(['task_code', 'student_id']).execute();
  await db.schema.createIndex('orders_status').on('orders').columns(['status', 'captured_at']).execute();

  await db.schema
    .createTable('order_photos')
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_photos_pk', ['order_id', 'role', 'sha256'])
    .execute();
  await db.schema.createIndex('order_photos_sha').on('order_photos').column('sha256').execute();

  await db.schema
    .createTable('photos')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('status_after', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('decisions_order').on('decisions').column('order_id').execute();

  await db.schema
    .createTable('session_closures')
    .addColumn('task_code', 'text', (c) => c.notNull().references('tasks.code'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('session_closures_pk', ['task_code', 'date'])
    .execute();
}
