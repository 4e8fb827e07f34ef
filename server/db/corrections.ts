import type { Selectable } from 'kysely';
import type { CorrectionsTable } from './schema.js';
import type { Tx } from './tx.js';

export type CorrectionRow = Selectable<CorrectionsTable>;

export async function getCorrection(tx: Tx, id: string): Promise<CorrectionRow | undefined> {
  return tx.db.selectFrom('corrections').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertCorrection(tx: Tx, row: CorrectionRow): Promise<void> {
  await tx.db.insertInto('corrections').values(row).execute();
}
