import type { Selectable } from 'kysely';
import type { PhotosTable } from './schema.js';
import type { Tx } from './tx.js';

export type PhotoRow = Selectable<PhotosTable>;

export async function getPhoto(tx: Tx, sha256: string): Promise<PhotoRow | undefined> {
  return tx.db.selectFrom('photos').selectAll().where('sha256', '=', sha256).executeTakeFirst();
}

/** The subset of these hashes the server holds, whoever sent them (storage, not trust). */
export async function storedPhotos(tx: Tx, hashes: readonly string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const rows = await tx.db.selectFrom('photos').select('sha256').where('sha256', 'in', hashes).execute();
  return new Set(rows.map((r) => r.sha256));
}

/** The subset of these hashes this station uploaded itself: the only photos its orders may name. */
export async function heldPhotos(tx: Tx, hashes: readonly string[], stationId: string): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const rows = await tx.db.selectFrom('photo_holders').select('sha256').where('station_id', '=', stationId).where('sha256', 'in', hashes).execute();
  return new Set(rows.map((r) => r.sha256));
}

/** Records that this station sent these bytes (idempotent). */
export async function addPhotoHolder(tx: Tx, sha256: string, stationId: string, now: string): Promise<void> {
  await tx.db
    .insertInto('photo_holders')
    .values({ sha256, station_id: stationId, received_at: now })
    .onConflict((oc) => oc.columns(['sha256', 'station_id']).doNothing())
    .execute();
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

/** For each of these hashes, the stations that uploaded it. */
export async function photoHolders(tx: Tx, hashes: readonly string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (hashes.length === 0) return out;
  const rows = await tx.db.selectFrom('photo_holders').select(['sha256', 'station_id']).where('sha256', 'in', hashes).execute();
  for (const r of rows) (out.get(r.sha256) ?? out.set(r.sha256, new Set()).get(r.sha256)!).add(r.station_id);
  return out;
}
