import type { Selectable } from 'kysely';
import type { EnrolCodesTable, StationsTable } from './schema.js';
import type { Tx } from './tx.js';

export type StationRow = Selectable<StationsTable>;

export async function insertEnrolCode(tx: Tx, row: Selectable<EnrolCodesTable>): Promise<void> {
  await tx.db.insertInto('enrol_codes').values(row).execute();
}

/** Marks a code used if it is known, unused and unexpired; false otherwise. One UPDATE, so two
 * stations racing with one code cannot both win. */
export async function claimEnrolCode(tx: Tx, codeHash: string, now: string, deviceId: string): Promise<boolean> {
  const r = await tx.db
    .updateTable('enrol_codes')
    .set({ used_at: now, used_by: deviceId })
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertStation(tx: Tx, row: StationRow): Promise<void> {
  await tx.db.insertInto('stations').values(row).execute();
}

export async function getStation(tx: Tx, deviceId: string): Promise<StationRow | undefined> {
  return tx.db.selectFrom('stations').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
}

export async function listStations(tx: Tx): Promise<StationRow[]> {
  return tx.db.selectFrom('stations').selectAll().orderBy('enrolled_at').execute();
}

export async function revokeStation(tx: Tx, deviceId: string, now: string): Promise<boolean> {
  const r = await tx.db.updateTable('stations').set({ revoked_at: now }).where('device_id', '=', deviceId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function touchStation(tx: Tx, deviceId: string, now: string): Promise<void> {
  await tx.db.updateTable('stations').set({ last_seen_at: now }).where('device_id', '=', deviceId).execute();
}
