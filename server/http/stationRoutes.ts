import type { z } from 'zod';
import { API, EnrolRequest, FeedName, FeedQuery, OrderUpload, StudentCorrectionUpload, type OrderUploadResult, type StudentCorrectionResult } from '../../src/shared/sync/protocol.js';
import type { ServerContext } from '../ServerContext.js';
import { storeCorrection } from '../services/corrections.js';
import { authenticateStation, enrolStation, markSeen } from '../services/enrolment.js';
import { readFeed } from '../services/feeds.js';
import { uploadOrder } from '../services/orderUpload.js';
import { parseWith, readJson } from './readBody.js';
import { sendJson } from './respond.js';
import type { Router } from './router.js';
import { ServerFailure } from './ServerFailure.js';

/** The routes a station calls (protocol.ts PATHS), all but enrolment behind the device credential. */
export function addStationRoutes(router: Router, ctx: ServerContext): void {
  router.add('POST', `${API}/enrol`, async ({ req, res }) => {
    const body = await readJson(req, EnrolRequest);
    sendJson(res, 201, await enrolStation(ctx, body));
  });

  router.add('GET', `${API}/whoami`, async ({ req, res }) => {
    const station = await authenticateStation(ctx, req.headers.authorization);
    await markSeen(ctx, station);
    sendJson(res, 200, {
      deviceId: station.device_id,
      stationId: station.station_id,
      stationName: station.station_name,
      serverName: ctx.serverName,
      serverTime: ctx.now().toISOString(),
      tasks: station.tasks,
    });
  });

  router.add('GET', `${API}/feeds/:feed`, async ({ req, res, url, params }) => {
    const station = await authenticateStation(ctx, req.headers.authorization);
    const feed = FeedName.safeParse(params.feed);
    if (!feed.success) throw new ServerFailure('NOT_FOUND', { zh: `没有名为 ${params.feed} 的数据流`, en: `No feed named ${params.feed}` });
    const q = parseWith(FeedQuery, Object.fromEntries(url.searchParams), '查询参数 / query');
    sendJson(res, 200, await readFeed(ctx, feed.data, q.cursor, q.limit, { stationId: station.station_id, tasks: station.tasks }));
  });

  router.add('PUT', `${API}/orders/:id`, async ({ req, res, params }) => {
    const station = await authenticateStation(ctx, req.headers.authorization);
    const body = await readJson(req, OrderUpload);
    if (body.id !== params.id) {
      throw new ServerFailure('BAD_REQUEST', { zh: '路径中的订单号与内容不一致', en: 'The order id in the path differs from the body', details: [`id: ${body.id} ≠ ${params.id}`] });
    }
    const result: OrderUploadResult = await uploadOrder(ctx, station, body);
    sendJson(res, 200, result);
  });

  router.add('PUT', `${API}/corrections/:id`, async ({ req, res, params }) => {
    const station = await authenticateStation(ctx, req.headers.authorization);
    const body = await readJson(req, StudentCorrectionUpload);
    if (body.id !== params.id) {
      throw new ServerFailure('BAD_REQUEST', { zh: '路径中的更正编号与内容不一致', en: 'The correction id in the path differs from the body', details: [`id: ${body.id} ≠ ${params.id}`] });
    }
    const result: z.infer<typeof StudentCorrectionResult> = await storeCorrection(ctx, station, body);
    sendJson(res, 200, result);
  });
}
