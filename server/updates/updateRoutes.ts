import { randomBytes } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { API } from '../../src/shared/sync/protocol.js';
import { requireAdmin } from '../http/adminRoutes.js';
import { readJson } from '../http/readBody.js';
import { sendJson } from '../http/respond.js';
import type { Router } from '../http/router.js';
import { ServerFailure } from '../http/ServerFailure.js';
import type { ServerContext } from '../ServerContext.js';
import { authenticateStation } from '../services/enrolment.js';
import { parseRange, type ByteRange } from './byteRanges.js';
import { ReleaseVersion, UpdateChannel } from './releaseManifest.js';
import { UpdateRefused, UpdateStore } from './updateStore.js';

export const UPDATES = `${API}/updates`;
const ADMIN_UPDATES = `${API}/admin/updates`;

const PinBody = z.object({ version: ReleaseVersion.nullable() }).strict();

function channelParam(value: string | undefined): UpdateChannel {
  const r = UpdateChannel.safeParse(value);
  if (!r.success) throw new ServerFailure('NOT_FOUND', { zh: '没有这个更新频道（stable 或 pilot）', en: 'No such update channel (stable or pilot)' });
  return r.data;
}

function refusal(err: unknown): never {
  if (err instanceof UpdateRefused) {
    throw new ServerFailure(err.kind === 'not_found' ? 'NOT_FOUND' : err.kind === 'conflict' ? 'CONFLICT' : 'BAD_REQUEST', { zh: err.zh, en: err.en });
  }
  throw err;
}

class DownloadAborted extends Error {}

/** Streams a whole file, one range (206) or several (206 multipart/byteranges), HEAD without a body. */
async function sendFileRanges(req: IncomingMessage, res: ServerResponse, path: string, opts: { contentType: string; etag: string | null; cache: string }): Promise<void> {
  const size = statSync(path).size;
  const head = req.method === 'HEAD';
  const base: Record<string, string | number> = {
    'Accept-Ranges': 'bytes',
    'Cache-Control': opts.cache,
    'X-Content-Type-Options': 'nosniff',
    ...(opts.etag ? { ETag: opts.etag } : {}),
  };
  // If-Range: ranges only of the very file the client already holds part of.
  const ifRange = req.headers['if-range'];
  const honourRange = ifRange === undefined || (opts.etag !== null && ifRange === opts.etag);
  const ranges = honourRange ? parseRange(req.headers.range, size) : 'full';
  if (ranges === 'unsatisfiable') {
    res.writeHead(416, { ...base, 'Content-Range': `bytes */${size}`, 'Content-Length': 0 });
    res.end();
    return;
  }
  const stream = async (r: ByteRange) => {
    try {
      await pipeline(createReadStream(path, { start: r.start, end: r.end }), res, { end: false });
    } catch (err) {
      // A station that cancels (an upload took priority) or loses the network mid-download is not
      // a server error: it resumes with a Range request later.
      if (res.destroyed || (err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') throw new DownloadAborted();
      throw err;
    }
  };
  if (ranges === 'full') {
    res.writeHead(200, { ...base, 'Content-Type': opts.contentType, 'Content-Length': size });
    if (!head && size > 0) await stream({ start: 0, end: size - 1 });
    res.end();
    return;
  }
  if (ranges.length === 1) {
    const r = ranges[0]!;
    res.writeHead(206, { ...base, 'Content-Type': opts.contentType, 'Content-Range': `bytes ${r.start}-${r.end}/${size}`, 'Content-Length': r.end - r.start + 1 });
    if (!head) await stream(r);
    res.end();
    return;
  }
  // The body starts with the boundary line itself (electron-updater's splitter expects no leading CRLF).
  const boundary = randomBytes(12).toString('hex');
  const partHead = (r: ByteRange, i: number) =>
    Buffer.from(`${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: ${opts.contentType}\r\nContent-Range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const heads = ranges.map(partHead);
  const length = heads.reduce((n, h) => n + h.length, 0) + ranges.reduce((n, r) => n + r.end - r.start + 1, 0) + tail.length;
  res.writeHead(206, { ...base, 'Content-Type': `multipart/byteranges; boundary=${boundary}`, 'Content-Length': length });
  if (!head) {
    for (let i = 0; i < ranges.length; i++) {
      if (!res.write(heads[i]!)) await new Promise((r) => res.once('drain', r));
      await stream(ranges[i]!);
    }
    res.write(tail);
  }
  res.end();
}

/**
 * Updates for stations: `/v1/updates/<channel>` says which version the channel serves, and
 * `/v1/updates/<channel>/<file>` is electron-updater's generic provider URL (latest*.yml,
 * installers, blockmaps). Both need the station's credential; only the files of the version the
 * channel serves now exist here. The admin lists, pins and rolls back channels under
 * `/v1/admin/updates`; publishing is the `publish-update` command.
 */
export function addUpdateRoutes(router: Router, ctx: ServerContext): void {
  const store = new UpdateStore(ctx.dataDir, ctx.now);

  router.add('GET', `${UPDATES}/:channel`, async ({ req, res, params }) => {
    await authenticateStation(ctx, req.headers.authorization);
    const view = store.channelView(channelParam(params.channel));
    sendJson(res, 200, { channel: view.channel, version: view.version, pinned: view.pinned !== null });
  });

  router.add('GET', `${UPDATES}/:channel/:file`, async ({ req, res, params }) => {
    const station = await authenticateStation(ctx, req.headers.authorization);
    const channel = channelParam(params.channel);
    const served = store.servedFile(channel, params.file ?? '');
    if (!served) throw new ServerFailure('NOT_FOUND', { zh: '此频道当前没有发布这个文件', en: 'This channel does not publish that file now' });
    if (served.file.kind === 'metadata') ctx.log('info', 'update check', { station: station.station_id, channel, version: served.version, file: served.file.name });
    await sendFileRanges(req, res, served.path, {
      contentType: served.file.name.endsWith('.yml') ? 'text/yaml; charset=utf-8' : 'application/octet-stream',
      // Metadata changes when the channel is pinned or rolled back; an installer's bytes never do.
      etag: served.file.sha512 ? `"${Buffer.from(served.file.sha512, 'base64').subarray(0, 24).toString('base64url')}"` : null,
      cache: served.file.kind === 'metadata' ? 'no-store' : 'private, no-transform',
    }).catch((err: unknown) => {
      if (err instanceof DownloadAborted) return;
      throw err;
    });
  });

  const admin = (method: string, path: string, fn: Parameters<Router['add']>[2]) =>
    router.add(method, `${ADMIN_UPDATES}${path}`, async (r) => {
      requireAdmin(ctx, r.req);
      await fn(r);
    });
  admin('GET', '', async ({ res }) => sendJson(res, 200, { channels: store.channelViews() }));
  admin('PUT', '/:channel/pin', async ({ req, res, params }) => {
    const channel = channelParam(params.channel);
    const body = await readJson(req, PinBody);
    const view = await store.pin(channel, body.version).catch(refusal);
    ctx.log('info', body.version ? 'update channel pinned' : 'update channel unpinned', { channel, version: body.version });
    sendJson(res, 200, view);
  });
  admin('POST', '/:channel/rollback', async ({ res, params }) => {
    const channel = channelParam(params.channel);
    const view = await store.rollback(channel).catch(refusal);
    ctx.log('warn', 'update channel rolled back', { channel, now: view.version, withdrawn: view.rolledBack.at(-1)?.version });
    sendJson(res, 200, view);
  });
}
