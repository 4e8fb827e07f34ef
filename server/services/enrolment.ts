import { randomBytes } from 'node:crypto';
import type { EnrolRequest, EnrolResponse } from '../../src/shared/sync/protocol.js';
import { claimEnrolCode, getStation, insertEnrolCode, insertStation, listStations, revokeStation, touchStation, type StationRow } from '../db/stations.js';
import { inTransaction } from '../db/tx.js';
import { ServerFailure } from '../http/ServerFailure.js';
import { canonicalEnrolCode, newEnrolCode, randomToken, secretsEqual, sha256Hex } from '../security/secrets.js';
import { nowIso, type ServerContext } from '../ServerContext.js';

export const DEFAULT_ENROL_CODE_TTL_MINUTES = 24 * 60;

/** Makes a one-time code for the admin to hand to a station. Only its hash is stored. */
export async function createEnrolCode(ctx: ServerContext, opts: { label?: string | null; ttlMinutes?: number } = {}): Promise<{ code: string; expiresAt: string }> {
  const code = newEnrolCode();
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + (opts.ttlMinutes ?? DEFAULT_ENROL_CODE_TTL_MINUTES) * 60_000).toISOString();
  await insertEnrolCode(ctx.tx, {
    code_hash: sha256Hex(canonicalEnrolCode(code)),
    label: opts.label ?? null,
    created_at: now.toISOString(),
    expires_at: expiresAt,
    used_at: null,
    used_by: null,
  });
  return { code, expiresAt };
}

/** Trades a one-time code for a device id and credential; the credential is shown once and only
 * its hash is kept. A used, expired or unknown code gets the same answer (no oracle). */
export async function enrolStation(ctx: ServerContext, req: EnrolRequest): Promise<EnrolResponse> {
  const deviceId = `dev_${randomBytes(10).toString('hex')}`;
  const credential = randomToken(32);
  const now = nowIso(ctx);
  await inTransaction(ctx.tx, async (t) => {
    if (!(await claimEnrolCode(t, sha256Hex(canonicalEnrolCode(req.code)), now, deviceId))) throw new ServerFailure('ENROL_CODE_INVALID');
    await insertStation(t, {
      device_id: deviceId,
      credential_hash: sha256Hex(credential),
      station_id: req.stationId,
      station_name: req.stationName,
      enrolled_at: now,
      last_seen_at: now,
      revoked_at: null,
    });
  });
  ctx.log('info', 'station enrolled', { deviceId, stationId: req.stationId });
  return { deviceId, credential, serverName: ctx.serverName };
}

/** `Authorization: Bearer <deviceId>.<credential>` → the station, or 401/403. */
export async function authenticateStation(ctx: ServerContext, header: string | undefined): Promise<StationRow> {
  const m = header ? /^Bearer\s+([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{16,128})\s*$/.exec(header) : null;
  if (!m) throw new ServerFailure('UNAUTHENTICATED');
  const station = await getStation(ctx.tx, m[1]!);
  if (!station || !secretsEqual(station.credential_hash, sha256Hex(m[2]!))) throw new ServerFailure('UNAUTHENTICATED');
  if (station.revoked_at) throw new ServerFailure('REVOKED');
  return station;
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
}

export async function stationViews(ctx: ServerContext): Promise<StationView[]> {
  return (await listStations(ctx.tx)).map((s) => ({
    deviceId: s.device_id,
    stationId: s.station_id,
    stationName: s.station_name,
    enrolledAt: s.enrolled_at,
    lastSeenAt: s.last_seen_at,
    revokedAt: s.revoked_at,
  }));
}

export async function revokeDevice(ctx: ServerContext, deviceId: string): Promise<StationView> {
  const existing = await getStation(ctx.tx, deviceId);
  if (!existing) throw new ServerFailure('NOT_FOUND', { zh: '没有这个采集站', en: 'No such station' });
  if (await revokeStation(ctx.tx, deviceId, nowIso(ctx))) ctx.log('info', 'station revoked', { deviceId });
  return (await stationViews(ctx)).find((s) => s.deviceId === deviceId)!;
}
