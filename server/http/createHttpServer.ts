import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { PATHS } from '../../src/shared/sync/protocol.js';
import { authenticateStation } from '../services/enrolment.js';
import type { ServerContext } from '../ServerContext.js';
import { addReviewRoutes } from '../review/reviewRoutes.js';
import { addReceiptRoutes } from '../receipt/receiptRoutes.js';
import { addAdminRoutes } from './adminRoutes.js';
import { bodyDeadlines } from './readBody.js';
import { sendFailure, sendJson } from './respond.js';
import { Router } from './router.js';
import { isServerFailure, ServerFailure } from './ServerFailure.js';
import { addStationRoutes } from './stationRoutes.js';
import { addUpdateRoutes } from '../updates/updateRoutes.js';
import type { Uploads } from './tusUploads.js';

/** Timeouts that keep a slow or stalled client from holding a connection forever. */
export interface ServerTimeouts {
  /** All headers must arrive within this. */
  headersMs: number;
  /** A whole request (a photo PATCH included) within this; tus resumes anything cut. */
  requestMs: number;
  /** A JSON or form body within this, however slowly it trickles. */
  bodyMs: number;
  /** A socket with no traffic at all is closed after this. */
  idleMs: number;
  keepAliveMs: number;
}

export const DEFAULT_TIMEOUTS: ServerTimeouts = {
  headersMs: 20_000,
  requestMs: 10 * 60_000,
  bodyMs: 30_000,
  idleMs: 60_000,
  keepAliveMs: 5_000,
};

/** The node:http server: tus uploads, station API, admin API and review page, errors as JSON. */
export function createHttpServer(ctx: ServerContext, uploads: Uploads, timeouts: ServerTimeouts = DEFAULT_TIMEOUTS): Server {
  const router = new Router();
  addStationRoutes(router, ctx);
  addAdminRoutes(router, ctx);
  addReviewRoutes(router, ctx);
  addReceiptRoutes(router, ctx);
  addUpdateRoutes(router, ctx);
  router.add('GET', '/', async ({ res }) => sendJson(res, 200, { name: ctx.serverName, api: 'v1', review: '/review' }));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://server.invalid');
    if (url.pathname === PATHS.uploads || url.pathname.startsWith(`${PATHS.uploads}/`)) {
      const station = await authenticateStation(ctx, req.headers.authorization);
      await uploads.handle(req, res, station);
      return;
    }
    const match = router.match(req.method ?? 'GET', url.pathname);
    if (match === null) throw new ServerFailure('NOT_FOUND', { zh: `没有这个地址：${url.pathname}`, en: `No such path: ${url.pathname}` });
    if (match === 'method') throw new ServerFailure('NOT_FOUND', { status: 405, zh: '不支持此请求方法', en: `Method ${req.method} is not allowed here` });
    await match.handler({ req, res, url, params: match.params });
  };

  // Node checks headersTimeout/requestTimeout only every connectionsCheckingInterval (30 s by
  // default); check more often than the shortest of them.
  const checkEvery = Math.max(100, Math.min(1000, Math.floor(Math.min(timeouts.headersMs, timeouts.requestMs) / 2)));
  const server = createServer({ headersTimeout: timeouts.headersMs, requestTimeout: timeouts.requestMs, connectionsCheckingInterval: checkEvery }, (req, res) => {
    bodyDeadlines.set(req, timeouts.bodyMs);
    handle(req, res).catch((err: unknown) => {
      if (isServerFailure(err)) {
        // A refused body was not read: close the connection after answering so its rest is not
        // taken for the next request.
        sendFailure(res, err, err.code === 'TOO_LARGE' ? { Connection: 'close' } : {});
        return;
      }
      ctx.log('error', 'request failed', { method: req.method, path: (req.url ?? '').split('?')[0], error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      sendFailure(res, new ServerFailure('INTERNAL'));
    });
  });
  server.keepAliveTimeout = timeouts.keepAliveMs;
  server.setTimeout(timeouts.idleMs, (socket) => socket.destroy());
  // A request body cut off mid-way or a client that vanished is not a server error.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  return server;
}
