import type { Kysely } from 'kysely';

/**
 * What a photographer may do at a task's stations, decided by the admin per task and sent down with
 * it (issues 14 and 17; src/shared/domain/taskRights.ts): 撤回审核, and setting the tethered camera.
 * Tasks made before keep what stations did until now: only a site manager withdraws, any
 * photographer sets the camera. Integers 0/1, as the other flags here, for SQLite and PostgreSQL alike.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tasks').addColumn('photographer_may_withdraw', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('tasks').addColumn('photographer_may_set_camera', 'integer', (c) => c.notNull().defaultTo(1)).execute();
}
