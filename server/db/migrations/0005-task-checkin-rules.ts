import type { Kysely } from 'kysely';

/**
 * Check-in rules per task (issue 14), sent down with the task: the 特征码's format (length and
 * alphabet: the centres use 4 digits, 6 letters or digits, 24 hex characters) and the check-in
 * mode (集中: task code + ID last 4 + 特征码; 散排: task code + ID last 4 alone). Tasks made
 * before keep what stations enforced until now: 6 letters or digits, 集中.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tasks').addColumn('feature_code_length', 'integer', (c) => c.notNull().defaultTo(6)).execute();
  await db.schema.alterTable('tasks').addColumn('feature_code_alphabet', 'text', (c) => c.notNull().defaultTo('alnum')).execute();
  await db.schema.alterTable('tasks').addColumn('checkin_mode', 'text', (c) => c.notNull().defaultTo('集中')).execute();
}
