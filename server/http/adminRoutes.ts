import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { API } from '../../src/shared/sync/protocol.js';
import { getPhoto } from '../db/photos.js';
import { listTasks } from '../db/tasks.js';
import { REJECTION_REASONS } from '../domain/orderStatus.js';
import { secretsEqual } from '../security/secrets.js';
import type { ServerContext } from '../ServerContext.js';
import { listAdminActions } from '../db/adminAudit.js';
import { stationTasks } from '../db/stations.js';
import { createEnrolCode, revokeDevice, setTasksOfStation, stationViews } from '../services/enrolment.js';
import { transferOrder } from '../services/orderTransfer.js';
import { taskItem } from '../services/feedItems.js';
import { cancelReservation, closeSession, createReservation, recordSettlement, reservationViews } from '../services/reservationAdmin.js';
import { decide, orderDetail, orderViews } from '../services/review.js';
import { importStudents, putTask, studentViews } from '../services/taskAdmin.js';
import {
  AuditQuery,
  CancelBody,
  DateParam,
  DecisionBody,
  EnrolCodeBody,
  OrdersQuery,
  ReservationBody,
  ReservationQuery,
  ReissueBody,
  RevokeBody,
  SettlementBody,
  Sha256Param,
  StudentImportBody,
  TaskBody,
  StationTasksBody,
  TaskCodeParam,
  TransferBody,
} from './adminSchemas.js';
import { parseWith, readJson } from './readBody.js';
import { sendJson } from './respond.js';
import type { Router } from './router.js';
import { ServerFailure } from './ServerFailure.js';

export const ADMIN = `${API}/admin`;
/** A roster import is larger than any station request. */
const IMPORT_LIMIT = 16 * 1024 * 1024;

export function requireAdmin(ctx: ServerContext, req: IncomingMessage): void {
  const m = /^Bearer\s+(\S+)\s*$/.exec(req.headers.authorization ?? '');
  if (!m || !secretsEqual(m[1]!, ctx.adminToken)) throw new ServerFailure('UNAUTHENTICATED', { zh: '需要管理员令牌', en: 'The admin token is required' });
}

/** Streams a stored photo (content-addressed, so it may be cached for good). */
export async function sendPhoto(ctx: ServerContext, res: ServerResponse, sha256: string): Promise<void> {
  const photo = await getPhoto(ctx.tx, sha256);
  if (!photo) throw new ServerFailure('NOT_FOUND', { zh: '没有这张照片', en: 'No such photo' });
  res.writeHead(200, {
    'Content-Type': 'image/jpeg',
    'Content-Length': photo.bytes,
    'Cache-Control': 'private, max-age=31536000, immutable',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'",
  });
  createReadStream(join(ctx.photosDir, photo.path))
    .on('error', () => res.destroy())
    .pipe(res);
}

/** The admin API (Bearer admin token): stations, tasks, roster, reservations, settlement, review. */
export function addAdminRoutes(router: Router, ctx: ServerContext): void {
  const admin = (method: string, path: string, fn: Parameters<Router['add']>[2]) =>
    router.add(method, `${ADMIN}${path}`, async (r) => {
      requireAdmin(ctx, r.req);
      await fn(r);
    });
  const param = <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, value: string | undefined): T => {
    const r = schema.safeParse(value);
    if (!r.success) throw new ServerFailure('NOT_FOUND');
    return r.data;
  };

  admin('POST', '/enrol-codes', async ({ req, res }) => {
    const body = await readJson(req, EnrolCodeBody);
    sendJson(
      res,
      201,
      await createEnrolCode(ctx, { label: body.label ?? null, tasks: body.tasks, stationId: body.stationId ?? null, ...(body.ttlMinutes ? { ttlMinutes: body.ttlMinutes } : {}) }),
    );
  });
  admin('GET', '/stations', async ({ res }) => sendJson(res, 200, { stations: await stationViews(ctx) }));
  admin('POST', '/stations/:deviceId/revoke', async ({ req, res, params }) => {
    const body = req.headers['content-length'] && req.headers['content-length'] !== '0' ? await readJson(req, RevokeBody) : {};
    sendJson(res, 200, await revokeDevice(ctx, params.deviceId!, body.reason ?? null));
  });
  // A station id (not a device): its laptop replaced → a code for that id; every device it had is revoked now.
  admin('POST', '/station-ids/:stationId/reissue', async ({ req, res, params }) => {
    const body = await readJson(req, ReissueBody);
    const tasks = body.tasks ?? (await stationTasks(ctx.tx, params.stationId!));
    if ((await stationViews(ctx)).every((s) => s.stationId !== params.stationId)) throw new ServerFailure('NOT_FOUND', { zh: '没有这个采集站', en: 'No such station' });
    sendJson(res, 201, await createEnrolCode(ctx, { label: body.reason, tasks, stationId: params.stationId!, reissue: true, ...(body.ttlMinutes ? { ttlMinutes: body.ttlMinutes } : {}) }));
  });
  admin('PUT', '/station-ids/:stationId/tasks', async ({ req, res, params }) => {
    const body = await readJson(req, StationTasksBody);
    sendJson(res, 200, { stationId: params.stationId, tasks: await setTasksOfStation(ctx, params.stationId!, body.tasks, body.reason ?? null) });
  });
  admin('GET', '/audit', async ({ res, url }) => {
    const q = parseWith(AuditQuery, Object.fromEntries(url.searchParams), '查询参数 / query');
    const rows = await listAdminActions(ctx.tx, { limit: q.limit, ...(q.target ? { target: q.target } : {}) });
    sendJson(res, 200, { actions: rows.map((r) => ({ id: r.id, at: r.at, action: r.action, target: r.target, reason: r.reason, detail: JSON.parse(r.detail_json) as unknown })) });
  });

  admin('GET', '/tasks', async ({ res }) => sendJson(res, 200, { tasks: (await listTasks(ctx.tx)).map(taskItem) }));
  admin('PUT', '/tasks/:code', async ({ req, res, params }) => {
    const code = param(TaskCodeParam, params.code);
    const { task, created } = await putTask(ctx, code, await readJson(req, TaskBody));
    sendJson(res, created ? 201 : 200, task);
  });
  admin('GET', '/tasks/:code/students', async ({ res, params }) => sendJson(res, 200, { students: await studentViews(ctx, param(TaskCodeParam, params.code)) }));
  admin('POST', '/tasks/:code/students', async ({ req, res, params }) => {
    const code = param(TaskCodeParam, params.code);
    sendJson(res, 200, await importStudents(ctx, code, await readJson(req, StudentImportBody, IMPORT_LIMIT)));
  });
  admin('POST', '/tasks/:code/sessions/:date/close', async ({ res, params }) => {
    sendJson(res, 200, await closeSession(ctx, param(TaskCodeParam, params.code), param(DateParam, params.date)));
  });

  admin('GET', '/reservations', async ({ res, url }) => {
    const q = parseWith(ReservationQuery, Object.fromEntries(url.searchParams), '查询参数 / query');
    sendJson(res, 200, { reservations: await reservationViews(ctx, q) });
  });
  admin('POST', '/reservations', async ({ req, res }) => sendJson(res, 201, await createReservation(ctx, await readJson(req, ReservationBody))));
  admin('POST', '/reservations/:id/cancel', async ({ req, res, params }) => {
    const body = await readJson(req, CancelBody);
    sendJson(res, 200, await cancelReservation(ctx, params.id!, body.reason));
  });
  admin('POST', '/reservations/:id/settlement', async ({ req, res, params }) => {
    const body = await readJson(req, SettlementBody);
    sendJson(res, 200, await recordSettlement(ctx, params.id!, body.outcome));
  });

  admin('GET', '/review-reasons', async ({ res }) => sendJson(res, 200, { reasons: REJECTION_REASONS }));
  admin('GET', '/orders', async ({ res, url }) => {
    const q = parseWith(OrdersQuery, Object.fromEntries(url.searchParams), '查询参数 / query');
    sendJson(res, 200, { orders: await orderViews(ctx, q) });
  });
  admin('GET', '/orders/:id', async ({ res, params }) => sendJson(res, 200, await orderDetail(ctx, params.id!)));
  admin('POST', '/orders/:id/transfer', async ({ req, res, params }) => {
    const body = await readJson(req, TransferBody);
    sendJson(res, 200, await transferOrder(ctx, params.id!, { stationId: body.toStationId, reason: body.reason }));
  });
  admin('POST', '/orders/:id/decision', async ({ req, res, params }) => sendJson(res, 200, await decide(ctx, params.id!, await readJson(req, DecisionBody))));
  admin('GET', '/photos/:sha', async ({ res, params }) => sendPhoto(ctx, res, param(Sha256Param, params.sha)));
}
