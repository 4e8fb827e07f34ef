import type { Selectable } from 'kysely';
import type { TasksTable } from './schema.js';
import type { Tx } from './tx.js';

export type TaskRow = Selectable<TasksTable>;

export async function getTask(tx: Tx, code: string): Promise<TaskRow | undefined> {
  return tx.db.selectFrom('tasks').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function listTasks(tx: Tx): Promise<TaskRow[]> {
  return tx.db.selectFrom('tasks').selectAll().orderBy('code').execute();
}

export async function tasksByCodes(tx: Tx, codes: readonly string[]): Promise<TaskRow[]> {
  if (codes.length === 0) return [];
  return tx.db.selectFrom('tasks').selectAll().where('code', 'in', codes).execute();
}

export async function insertTask(tx: Tx, row: TaskRow): Promise<void> {
  await tx.db.insertInto('tasks').values(row).execute();
}

/** Updates what an admin may change; the code, key and creation time stay. */
export async function updateTask(tx: Tx, code: string, row: Omit<TaskRow, 'code' | 'public_key' | 'secret_sealed' | 'created_at'>): Promise<void> {
  await tx.db.updateTable('tasks').set(row).where('code', '=', code).execute();
}
