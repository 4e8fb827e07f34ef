import type { Selectable } from 'kysely';
import type { StudentsTable } from './schema.js';
import { lockRows, type Tx } from './tx.js';

export type StudentRow = Selectable<StudentsTable>;

export async function getStudent(tx: Tx, id: string, opts: { lock?: boolean } = {}): Promise<StudentRow | undefined> {
  const q = tx.db.selectFrom('students').selectAll().where('id', '=', id);
  return (opts.lock ? lockRows(tx, q) : q).executeTakeFirst();
}

export async function studentsByIds(tx: Tx, ids: readonly string[]): Promise<StudentRow[]> {
  if (ids.length === 0) return [];
  return tx.db.selectFrom('students').selectAll().where('id', 'in', ids).execute();
}

export async function findStudentByIdHmac(tx: Tx, taskCode: string, hmac: string): Promise<StudentRow | undefined> {
  return tx.db.selectFrom('students').selectAll().where('task_code', '=', taskCode).where('id_number_hmac', '=', hmac).executeTakeFirst();
}

/** Inserts unless a student with this id exists (a retried walk-in upload); true when inserted. */
export async function insertStudentIfAbsent(tx: Tx, row: StudentRow): Promise<boolean> {
  const r = await tx.db.insertInto('students').values(row).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function insertStudent(tx: Tx, row: StudentRow): Promise<void> {
  await tx.db.insertInto('students').values(row).execute();
}

export async function updateStudent(tx: Tx, id: string, row: Partial<Omit<StudentRow, 'id' | 'created_at'>>): Promise<void> {
  await tx.db.updateTable('students').set(row).where('id', '=', id).execute();
}

export async function listStudents(tx: Tx, taskCode: string): Promise<StudentRow[]> {
  return tx.db.selectFrom('students').selectAll().where('task_code', '=', taskCode).orderBy('name').orderBy('id').execute();
}
