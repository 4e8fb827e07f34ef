import type { Selectable } from 'kysely';
import type { PhotosTable } from './schema.js';
import type { Tx } from './tx.js';

export type PhotoRow = Selectable<PhotosTable>;

export async function getPhoto(tx: Tx, sha256: string): Promise<PhotoRow | undefined> {
  return tx.db.selectFrom('photos').selectAll().where('sha256', '=', sha256).executeTakeFirst();
}

/** The subset of these hashes the server holds. */
export async function heldPhotos(tx: Tx, hashes: readonly string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const rows = await tx.db.selectFrom('photos').select('sha256').where('sha256', 'in', hashes).execute();
  return new Set(rows.map((r) => r.sha256));
}

/** Records a stored photo; a second arrival of the same bytes is a no-op. True when new. */
export async function insertPhotoIfAbsent(tx: Tx, row: PhotoRow): Promise<boolean> {
  const r = await tx.db.insertInto('photos').values(row).onConflict((oc) => oc.column('sha256').doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function countPhotos(tx: Tx): Promise<number> {
  const r = await tx.db.selectFrom('photos').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
