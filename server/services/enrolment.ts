import { randomBytes } from 'node:crypto';
import type { EnrolRequest, EnrolResponse } from '../../src/shared/sync/protocol.js';
import { recordAdminAction } from '../db/adminAudit.js';
import { tasksByCodes } from '../db/tasks.js';
import {
  claimEnrolCode,
  devicesOfStation,
  getStation,
  insertEnrolCode,
  insertStation,
  listStations,
  revokeDevicesOfStation,
  revokeStation,
  setStationTasks,
  stationTasks,
  touchStation,
  type StationRow,
} from '../db/stations.js';
import { inTransaction } from '../db/tx.js';
import { ServerFailure } from '../http/ServerFailure.js';
import { canonicalEnrolCode, newEnrolCode, randomToken, secretsEqual, sha256Hex } from '../security/secrets.js';
import { nowIso, type ServerContext } from '../ServerContext.js';
import { touchTaskItems } from './feeds.js';

export const DEFAULT_ENROL_CODE_TTL_MINUTES = 24 * 60;

/** An authenticated station: its device row and the tasks it is enrolled for. */
export interface Station extends StationRow {
  tasks: readonly string[];
}

export interface EnrolCodeOptions {
  label?: string | null;
  ttlMinutes?: number;
  /** The tasks the station will work on; it is sent nothing of any other task. */
  tasks: readonly string[];
  /** Made for this station id: the enrolling device must claim it. */
  stationId?: string | null;
  /** Re-issues stationId (a replaced laptop): its current devices are revoked now. */
  reissue?: boolean;
}

async function requireTasks(ctx: ServerContext, tasks: readonly string[]): Promise<void> {
  const known = new Set((await tasksByCodes(ctx.tx, [...tasks])).map((t) => t.code));
  const unknown = tasks.filter((t) => !known.has(t));
  if (unknown.length) throw new ServerFailure('UNKNOWN_TASK', { zh: `服务器上没有采集任务 ${unknown.join('、')}`, en: `The server has no task ${unknown.join(', ')}` });
}

/** Makes a one-time code for the admin to hand to a station. Only its hash is stored. */
export async function createEnrolCode(ctx: ServerContext, opts: EnrolCodeOptions): Promise<{ code: string; expiresAt: string; stationId: string | null; tasks: string[] }> {
  if (opts.reissue && !opts.stationId) throw new ServerFailure('BAD_REQUEST', { zh: '重新签发须指明采集站编号', en: 'A re-issue names the station id' });
  await requireTasks(ctx, opts.tasks);
  const code = newEnrolCode();
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + (opts.ttlMinutes ?? DEFAULT_ENROL_CODE_TTL_MINUTES) * 60_000).toISOString();
  const tasks = [...new Set(opts.tasks)].sort();
  await inTransaction(ctx.tx, async (t) => {
    await insertEnrolCode(t, {
      code_hash: sha256Hex(canonicalEnrolCode(code)),
      label: opts.label ?? null,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      used_at: null,
      used_by: null,
      station_id: opts.stationId ?? null,
      tasks_json: JSON.stringify(tasks),
      reissue: opts.reissue ? 1 : 0,
    });
    if (opts.reissue && opts.stationId) {
      // The old laptop's credential stops working now, not when the new one happens to enrol.
      const revoked = await revokeDevicesOfStation(t, opts.stationId, now.toISOString());
      await recordAdminAction(t, { at: now.toISOString(), action: 'station.reissue', target: opts.stationId, reason: opts.label ?? null, detail: { revokedDevices: revoked, tasks } });
    }
  });
  return { code, expiresAt, stationId: opts.stationId ?? null, tasks };
}

/**
 * Trades a one-time code for a device id and credential; the credential is shown once and only
 * its hash is kept. A used, expired or unknown code gets the same answer (no oracle). The station id
 * is the server's to confirm: the one the code was made for, or a claimed one no device has had —
 * a station id already enrolled is taken over only through a code the admin re-issued for it.
 */
export async function enrolStation(ctx: ServerContext, req: EnrolRequest): Promise<EnrolResponse> {
  const deviceId = `dev_${randomBytes(10).toString('hex')}`;
  const credential = randomToken(32);
  const now = nowIso(ctx);
  const tasks = await inTransaction(ctx.tx, async (t) => {
    const code = await claimEnrolCode(t, sha256Hex(canonicalEnrolCode(req.code)), now, deviceId);
    if (!code) throw new ServerFailure('ENROL_CODE_INVALID');
    if (code.station_id !== null && code.station_id !== req.stationId) {
      throw new ServerFailure('CONFLICT', {
        zh: `此登记码是为采集站 ${code.station_id} 生成的，不能用于 ${req.stationId}`,
        en: `This code was made for station ${code.station_id}, not ${req.stationId}`,
      });
    }
    const earlier = await devicesOfStation(t, req.stationId);
    if (earlier.length > 0 && code.reissue !== 1) {
      ctx.log('warn', 'enrolment claimed an enrolled station id', { stationId: req.stationId, devices: earlier.map((d) => d.device_id) });
      throw new ServerFailure('CONFLICT', {
        zh: `采集站编号 ${req.stationId} 已由另一台设备登记；更换设备须由管理员重新签发此采集站`,
        en: `Station id ${req.stationId} is enrolled by another device; replacing it needs the admin to re-issue that station`,
      });
    }
    if (earlier.length > 0) await revokeDevicesOfStation(t, req.stationId, now);
    await insertStation(t, {
      device_id: deviceId,
      credential_hash: sha256Hex(credential),
      station_id: req.stationId,
      station_name: req.stationName,
      enrolled_at: now,
      last_seen_at: now,
      revoked_at: null,
    });
    const codeTasks = JSON.parse(code.tasks_json) as string[];
    await setStationTasks(t, req.stationId, codeTasks);
    return codeTasks;
  });
  ctx.log('info', 'station enrolled', { deviceId, stationId: req.stationId, tasks });
  return { deviceId, stationId: req.stationId, tasks, credential, serverName: ctx.serverName };
}

/** `Authorization: Bearer <deviceId>.<credential>` → the station, or 401 (unknown, wrong or revoked). */
export async function authenticateStation(ctx: ServerContext, header: string | undefined): Promise<Station> {
  const m = header ? /^Bearer\s+([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{16,128})\s*$/.exec(header) : null;
  if (!m) throw new ServerFailure('UNAUTHENTICATED');
  const station = await getStation(ctx.tx, m[1]!);
  if (!station || !secretsEqual(station.credential_hash, sha256Hex(m[2]!))) throw new ServerFailure('UNAUTHENTICATED');
  if (station.revoked_at) throw new ServerFailure('REVOKED');
  return { ...station, tasks: await stationTasks(ctx.tx, station.station_id) };
}

/** Refuses a task this station is not enrolled for, in the same words wherever it is asked. */
export function requireStationTask(station: Station, taskCode: string): void {
  if (!station.tasks.includes(taskCode)) {
    throw new ServerFailure('FORBIDDEN', { zh: `本采集站未登记采集任务 ${taskCode}`, en: `This station is not enrolled for task ${taskCode}` });
  }
}

export async function markSeen(ctx: ServerContext, station: StationRow): Promise<void> {
  await touchStation(ctx.tx, station.device_id, nowIso(ctx));
}

export interface StationView {
  deviceId: string;
  stationId: string;
  stationName: string;
  enrolledAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
  tasks: string[];
}

export async function stationViews(ctx: ServerContext): Promise<StationView[]> {
  const rows = await listStations(ctx.tx);
  const tasksOf = new Map<string, string[]>();
  for (const id of new Set(rows.map((s) => s.station_id))) tasksOf.set(id, await stationTasks(ctx.tx, id));
  return rows.map((s) => ({
    deviceId: s.device_id,
    stationId: s.station_id,
    stationName: s.station_name,
    enrolledAt: s.enrolled_at,
    lastSeenAt: s.last_seen_at,
    revokedAt: s.revoked_at,
    tasks: tasksOf.get(s.station_id) ?? [],
  }));
}

export async function revokeDevice(ctx: ServerContext, deviceId: string, reason: string | null = null): Promise<StationView> {
  const existing = await getStation(ctx.tx, deviceId);
  if (!existing) throw new ServerFailure('NOT_FOUND', { zh: '没有这个采集站', en: 'No such station' });
  const now = nowIso(ctx);
  await inTransaction(ctx.tx, async (t) => {
    if (await revokeStation(t, deviceId, now)) {
      await recordAdminAction(t, { at: now, action: 'station.revoke', target: existing.station_id, reason, detail: { deviceId } });
    }
  });
  ctx.log('info', 'station revoked', { deviceId, stationId: existing.station_id });
  return (await stationViews(ctx)).find((s) => s.deviceId === deviceId)!;
}

/** Narrows or widens the tasks a station works on. Items of a task it gains are sent again so its
 * cursors, already past them, do not hide them. */
export async function setTasksOfStation(ctx: ServerContext, stationId: string, tasks: readonly string[], reason: string | null): Promise<string[]> {
  if ((await devicesOfStation(ctx.tx, stationId)).length === 0) throw new ServerFailure('NOT_FOUND', { zh: '没有这个采集站', en: 'No such station' });
  await requireTasks(ctx, tasks);
  const now = nowIso(ctx);
  return inTransaction(ctx.tx, async (t) => {
    const before = await stationTasks(t, stationId);
    await setStationTasks(t, stationId, tasks);
    const gained = tasks.filter((x) => !before.includes(x));
    await recordAdminAction(t, { at: now, action: 'station.tasks', target: stationId, reason, detail: { before, after: [...tasks] } });
    await touchTaskItems(t, gained);
    return stationTasks(t, stationId);
  });
}
