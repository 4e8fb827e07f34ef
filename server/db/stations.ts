import type { Insertable, Selectable } from 'kysely';
import type { EnrolCodesTable, StationsTable } from './schema.js';
import type { Tx } from './tx.js';

export type StationRow = Selectable<StationsTable>;
export type EnrolCodeRow = Selectable<EnrolCodesTable>;

export async function insertEnrolCode(tx: Tx, row: Insertable<EnrolCodesTable>): Promise<void> {
  await tx.db.insertInto('enrol_codes').values(row).execute();
}

/** Marks a code used if it is known, unused and unexpired; false otherwise. One UPDATE, so two
 * stations racing with one code cannot both win. */
export async function claimEnrolCode(tx: Tx, codeHash: string, now: string, deviceId: string): Promise<EnrolCodeRow | null> {
  const r = await tx.db
    .updateTable('enrol_codes')
    .set({ used_at: now, used_by: deviceId })
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return null;
  return (await tx.db.selectFrom('enrol_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst()) ?? null;
}

/** Every device ever enrolled as this station id (a re-issued station has several, all but one revoked). */
export async function devicesOfStation(tx: Tx, stationId: string): Promise<StationRow[]> {
  return tx.db.selectFrom('stations').selectAll().where('station_id', '=', stationId).orderBy('enrolled_at').execute();
}

export async function revokeDevicesOfStation(tx: Tx, stationId: string, now: string): Promise<string[]> {
  const active = await tx.db.selectFrom('stations').select('device_id').where('station_id', '=', stationId).where('revoked_at', 'is', null).execute();
  if (active.length === 0) return [];
  await tx.db.updateTable('stations').set({ revoked_at: now }).where('station_id', '=', stationId).where('revoked_at', 'is', null).execute();
  return active.map((d) => d.device_id);
}

export async function stationTasks(tx: Tx, stationId: string): Promise<string[]> {
  const rows = await tx.db.selectFrom('station_tasks').select('task_code').where('station_id', '=', stationId).orderBy('task_code').execute();
  return rows.map((r) => r.task_code);
}

export async function setStationTasks(tx: Tx, stationId: string, tasks: readonly string[]): Promise<void> {
  await tx.db.deleteFrom('station_tasks').where('station_id', '=', stationId).execute();
  if (tasks.length) await tx.db.insertInto('station_tasks').values([...new Set(tasks)].map((task_code) => ({ station_id: stationId, task_code }))).execute();
}

/** The active device of a station id, if any. */
export async function activeDeviceOf(tx: Tx, stationId: string): Promise<StationRow | undefined> {
  return tx.db.selectFrom('stations').selectAll().where('station_id', '=', stationId).where('revoked_at', 'is', null).orderBy('enrolled_at', 'desc').executeTakeFirst();
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
