import { mkdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server as TusServer, type Upload } from '@tus/server';
import { PATHS, UploadMetadata } from '../../src/shared/sync/protocol.js';
import { heldPhotos } from '../db/photos.js';
import { getOrder } from '../db/orders.js';
import type { Station } from '../services/enrolment.js';
import type { ServerContext } from '../ServerContext.js';
import { ingestPhoto, reevaluateWaitingFor } from '../services/photoStore.js';
import { ServerFailure } from './ServerFailure.js';
import { sendFailure } from './respond.js';

/** A photo may be as large as PhotoRef allows. */
export const MAX_PHOTO_BYTES = 200_000_000;
/** Unfinished uploads are dropped after this; finished ones are kept as long (their photo is linked,
 * not copied) so a station whose last PATCH answer was lost learns by HEAD that it is complete. */
export const UPLOAD_KEEP_MS = 3 * 24 * 3600_000;
/** Upload metadata key where the server records which station created the upload. */
const OWNER_KEY = 'cc_station';

const UPLOAD_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The one canonical shape of an upload path: the collection, or the collection and one id exactly
 * as the server issued it (no %-escapes, no extra segments, no trailing slash). Anything else under
 * /v1/uploads is refused before the upload library, which would decode and reinterpret it.
 */
export function uploadTarget(rawUrl: string): { kind: 'collection' } | { kind: 'upload'; id: string } | null {
  const path = rawUrl.split('?')[0]!;
  if (path === PATHS.uploads || path === `${PATHS.uploads}/`) return { kind: 'collection' };
  const prefix = `${PATHS.uploads}/`;
  if (!path.startsWith(prefix)) return null;
  const id = path.slice(prefix.length);
  return UPLOAD_ID.test(id) ? { kind: 'upload', id } : null;
}

/** What a hook throws to make @tus/server answer with this status and our JSON error body. */
function tusError(f: ServerFailure): { status_code: number; body: string } {
  return { status_code: f.status, body: JSON.stringify(f.toBody()) };
}

export interface Uploads {
  /** Serves one authenticated request under /v1/uploads. */
  handle(req: IncomingMessage, res: ServerResponse, station: Station): Promise<void>;
  /** Finishes uploads a crash left complete but unprocessed, and drops expired ones. */
  sweep(): Promise<void>;
}

/**
 * Resumable photo uploads (tus 1.0: creation, creation-with-upload, PATCH/HEAD resume, termination)
 * on @tus/server with a file store under <data>/uploads. On the last byte the file is checked
 * against the sha256 in its Upload-Metadata and stored by hash (photoStore.ts).
 */
export function createUploads(ctx: ServerContext): Uploads {
  const directory = ctx.uploadsDir;
  // FileStore makes its folder asynchronously in its constructor; a sweep right after start could
  // list it before it exists.
  mkdirSync(directory, { recursive: true });
  const datastore = new FileStore({ directory, expirationPeriodInMilliseconds: UPLOAD_KEEP_MS });
  // The tus hooks see a web Request; the authenticated station rides along keyed by the Node request.
  const stations = new WeakMap<object, Station>();
  const stationOf = (req: { runtime?: { node?: { req: object } } }): Station => {
    const node = req.runtime?.node?.req;
    const station = node ? stations.get(node) : undefined;
    if (!station) throw tusError(new ServerFailure('UNAUTHENTICATED'));
    return station;
  };

  const finish = async (upload: Upload): Promise<void> => {
    const meta = UploadMetadata.safeParse(upload.metadata ?? {});
    if (!meta.success) throw tusError(new ServerFailure('BAD_REQUEST', { details: ['Upload-Metadata: sha256, orderId and role are required'] }));
    const owner = upload.metadata?.[OWNER_KEY];
    if (!owner) throw tusError(new ServerFailure('BAD_REQUEST', { details: ['upload has no owning station'] }));
    const file = upload.storage?.path ?? join(directory, upload.id);
    const outcome = await ingestPhoto(ctx, file, meta.data.sha256, owner);
    if (outcome.kind === 'mismatch') {
      // Deleted, so a retry with the same upload URL gets 404 and starts over instead of being
      // told the (wrong) bytes are complete.
      await datastore.remove(upload.id).catch(() => {});
      ctx.log('warn', 'photo hash mismatch', { uploadId: upload.id, named: outcome.sha256, actual: outcome.actual });
      throw tusError(new ServerFailure('PHOTO_HASH_MISMATCH', { details: [`named ${outcome.sha256}`, `received ${outcome.actual}`] }));
    }
    ctx.log('info', 'photo received', { uploadId: upload.id, sha256: outcome.sha256, bytes: outcome.bytes, outcome: outcome.kind });
  };

  const tus = new TusServer({
    path: PATHS.uploads,
    datastore,
    relativeLocation: true,
    maxSize: MAX_PHOTO_BYTES,
    // The library acts on exactly the id the ownership check was made on (handle() has already
    // refused every other path shape, so the segment is never %-encoded).
    getFileIdFromRequest: (_req, lastPath) => (lastPath !== undefined && UPLOAD_ID.test(lastPath) ? lastPath : undefined),
    onUploadCreate: async (req, upload) => {
      const station = stationOf(req);
      const meta = UploadMetadata.safeParse(upload.metadata ?? {});
      if (!meta.success) {
        throw tusError(
          new ServerFailure('BAD_REQUEST', {
            zh: '上传元数据缺少 sha256、orderId 或 role',
            en: 'Upload-Metadata needs sha256, orderId and role',
            details: meta.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
          }),
        );
      }
      const order = await getOrder(ctx.tx, meta.data.orderId);
      if (order && order.station_id !== station.station_id) {
        ctx.log('warn', 'upload for another station\'s order refused', { orderId: meta.data.orderId, owner: order.station_id, requester: station.station_id });
        throw tusError(new ServerFailure('FORBIDDEN', { zh: '此订单属于另一个采集站', en: 'This order belongs to another station' }));
      }
      return { metadata: { ...upload.metadata, [OWNER_KEY]: station.station_id } };
    },
    onUploadFinish: async (_req, upload) => {
      await finish(upload);
      return {};
    },
    // tus answers its own protocol errors (404, 409 offset…) and ours (status_code + JSON body);
    // anything else is a server fault worth a log line. The answer itself stays tus's 500.
    onResponseError: (_req, err) => {
      if (!('status_code' in err)) ctx.log('error', 'upload failed', { error: err.stack ?? err.message });
      return undefined;
    },
  });

  return {
    async handle(req, res, station) {
      const target = uploadTarget(req.url ?? '');
      if (!target) {
        sendFailure(res, new ServerFailure('NOT_FOUND'));
        return;
      }
      // Stations create, resume and (while unfinished) abandon uploads; nothing else. GET in
      // particular is not served: no station reads an upload back, and @tus/server's GET could
      // take the process down on a client that closes early.
      const allowed = target.kind === 'collection' ? ['POST'] : ['HEAD', 'PATCH', 'DELETE'];
      if (!allowed.includes(req.method ?? '')) {
        sendFailure(res, new ServerFailure('NOT_FOUND', { status: 405, zh: '不支持此请求方法', en: `Method ${req.method} is not allowed here` }), { Allow: allowed.join(', ') });
        return;
      }
      if (target.kind === 'upload') {
        const id = target.id;
        const upload = await datastore.getUpload(id).catch(() => null);
        // Another station's upload is none of this one's business: answer as if it did not exist.
        if (!upload || upload.metadata?.[OWNER_KEY] !== station.station_id) {
          if (upload) ctx.log('warn', 'upload of another station refused', { uploadId: id, owner: upload.metadata?.[OWNER_KEY], requester: station.station_id, method: req.method });
          sendFailure(res, new ServerFailure('NOT_FOUND'));
          return;
        }
        const complete = upload.size !== undefined && upload.offset === upload.size;
        if (req.method === 'DELETE' && complete) {
          sendFailure(res, new ServerFailure('FORBIDDEN', { zh: '已完成的上传不能删除', en: 'A finished upload cannot be deleted' }));
          return;
        }
        // Complete but never processed (the server died between the last byte and the hook):
        // process it now, so the HEAD that tells the station "complete" is true.
        if (req.method === 'HEAD' && complete) {
          const sha = upload.metadata?.sha256;
          if (sha && (await heldPhotos(ctx.tx, [sha], station.station_id)).size === 0) {
            // Never answer "complete" for bytes that did not become a photo: the station would mark
            // the upload done and its order would wait at 已采集 for ever. Say what went wrong instead.
            try {
              await finish(upload);
            } catch (err) {
              const e = err as { status_code?: number; body?: string };
              if (e.status_code && e.body) res.writeHead(e.status_code, { 'content-type': 'application/json' }).end(e.body);
              else sendFailure(res, new ServerFailure('INTERNAL'));
              ctx.log('warn', 'finishing an upload on HEAD failed', { uploadId: id, error: String((err as Error)?.message ?? e.body ?? err) });
              return;
            }
          }
          // Held already (processed, then the server died before moving the orders on): move them now.
          else if (sha) await reevaluateWaitingFor(ctx, sha, station.station_id);
        }
      }
      stations.set(req, station);
      await tus.handle(req, res);
    },
    async sweep() {
      const ids = (await datastore.configstore.list?.()) ?? [];
      for (const id of ids) {
        const upload = await datastore.getUpload(id).catch(() => null);
        if (!upload || upload.size === undefined || upload.offset !== upload.size) continue;
        const sha = upload.metadata?.sha256;
        const owner = upload.metadata?.[OWNER_KEY];
        const held = sha && owner ? (await heldPhotos(ctx.tx, [sha], owner)).size > 0 : false;
        if (!held) await finish(upload).catch((err: unknown) => ctx.log('warn', 'upload sweep', { uploadId: id, error: String((err as { body?: string }).body ?? err) }));
        else if (upload.creation_date && Date.now() - new Date(upload.creation_date).getTime() > UPLOAD_KEEP_MS) await datastore.remove(id).catch(() => {});
      }
      await datastore.deleteExpired().catch(() => 0);
    },
  };
}
