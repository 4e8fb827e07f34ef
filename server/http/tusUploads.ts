import { mkdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server as TusServer, type Upload } from '@tus/server';
import { ADMISSION_PHOTO_MAX_BYTES, PATHS, UploadMetadata } from '../../src/shared/sync/protocol.js';
import { heldPhotos } from '../db/photos.js';
import { getOrder } from '../db/orders.js';
import type { Station } from '../services/enrolment.js';
import type { ServerContext } from '../ServerContext.js';
import { admissionHeld, ingestAdmission } from '../services/admissionStore.js';
import { ingestPhoto, reevaluateWaitingFor } from '../services/photoStore.js';
import { ServerFailure } from './ServerFailure.js';
import { sendFailure } from './respond.js';

/** A photo may be as large as PhotoRef allows. */
export const MAX_PHOTO_BYTES = 200_000_000;
/** Unfinished uploads are dropped after this; finished ones are kept as long (their photo is linked,
 * not copied) so a station whose last PATCH answer was lost learns by HEAD that it is complete. */
export const UPLOAD_KEEP_MS = 3 * 24 * 3600_000;
/** An unfinished admission upload (part of a photo, in clear) is dropped after this; a station resumes within minutes or starts over. */
export const ADMISSION_UPLOAD_KEEP_MS = 3600_000;
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

  // An admission upload taken in during a request is removed once the request is answered (the
  // library still reads the upload to write its answer); elsewhere (the start-up sweep) at once.
  const removeAfter = new WeakMap<object, string>();
  /** `during`: the Node request being answered, if any. */
  const finish = async (upload: Upload, during?: object): Promise<void> => {
    const meta = UploadMetadata.safeParse(upload.metadata ?? {});
    if (!meta.success) throw tusError(new ServerFailure('BAD_REQUEST', { details: ['Upload-Metadata: sha256, orderId and role are required'] }));
    const owner = upload.metadata?.[OWNER_KEY];
    if (!owner) throw tusError(new ServerFailure('BAD_REQUEST', { details: ['upload has no owning station'] }));
    const file = upload.storage?.path ?? join(directory, upload.id);
    if (meta.data.role === 'admission') return finishAdmission(upload, file, meta.data.sha256, meta.data.orderId, owner, during);
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

  /**
   * An admission photo is sealed on arrival and its upload removed whatever the outcome (once taken
   * in, as soon as the request that finished it is answered): its plain bytes stay on disk no longer
   * than the upload takes. A station that asks about the upload later is told it does not exist and
   * sends it again, which the server takes as a duplicate.
   */
  const finishAdmission = async (upload: Upload, file: string, sha256: string, orderId: string, owner: string, during: object | undefined): Promise<void> => {
    const outcome = await ingestAdmission(ctx, file, sha256, owner, orderId);
    const taken = outcome.kind === 'stored' || outcome.kind === 'duplicate';
    if (taken && during) removeAfter.set(during, upload.id);
    // Refused: gone before the answer, so a retry with the same URL starts over.
    else await datastore.remove(upload.id).catch(() => {});
    switch (outcome.kind) {
      case 'stored':
      case 'duplicate':
        ctx.log('info', 'admission photo received', { uploadId: upload.id, orderId, sha256, bytes: outcome.bytes, outcome: outcome.kind });
        return;
      case 'mismatch':
        ctx.log('warn', 'admission photo hash mismatch', { uploadId: upload.id, named: outcome.sha256, actual: outcome.actual });
        throw tusError(new ServerFailure('PHOTO_HASH_MISMATCH', { details: [`named ${outcome.sha256}`, `received ${outcome.actual}`] }));
      case 'bad_image':
        ctx.log('warn', 'admission photo refused: not an image', { uploadId: upload.id, orderId, detail: outcome.detail });
        throw tusError(new ServerFailure('BAD_REQUEST', { status: 422, zh: outcome.zh, en: outcome.en, details: [outcome.detail] }));
      case 'too_large':
        throw tusError(new ServerFailure('TOO_LARGE', { zh: '录取照片过大', en: 'The admission photo is too large', details: [`${outcome.bytes} bytes > ${ADMISSION_PHOTO_MAX_BYTES}`] }));
      case 'not_owner':
        ctx.log('warn', 'admission photo for another station\'s order refused', { orderId, owner: outcome.owner, requester: owner });
        throw tusError(outcome.owner ? new ServerFailure('FORBIDDEN', { zh: '此订单属于另一个采集站', en: 'This order belongs to another station' }) : new ServerFailure('NOT_FOUND', { zh: '服务器上没有这个订单', en: 'The server has no such order' }));
    }
  };

  /** Whether a complete upload's bytes were already taken in (a photo held for the station, an admission photo kept for the order). */
  const ingested = async (upload: Upload, owner: string): Promise<boolean> => {
    const meta = UploadMetadata.safeParse(upload.metadata ?? {});
    if (!meta.success) return false;
    if (meta.data.role === 'admission') return admissionHeld(ctx, meta.data.orderId, meta.data.sha256);
    return (await heldPhotos(ctx.tx, [meta.data.sha256], owner)).size > 0;
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
      if (meta.data.role === 'admission') {
        // Held for one order, so the order comes first (a station sends it before its uploads), and
        // its size is known and bounded before a byte is stored.
        if (!order) throw tusError(new ServerFailure('NOT_FOUND', { zh: '服务器上没有这个订单，请先同步订单', en: 'The server has no such order; send the order first' }));
        if (upload.size === undefined || upload.size > ADMISSION_PHOTO_MAX_BYTES) {
          throw tusError(new ServerFailure('TOO_LARGE', { zh: '录取照片过大或未声明大小', en: 'The admission photo is too large or its size is not declared', details: [`Upload-Length ≤ ${ADMISSION_PHOTO_MAX_BYTES}`] }));
        }
      }
      return { metadata: { ...upload.metadata, [OWNER_KEY]: station.station_id } };
    },
    onUploadFinish: async (req, upload) => {
      await finish(upload, (req as { runtime?: { node?: { req: object } } }).runtime?.node?.req);
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
          if (sha && !(await ingested(upload, station.station_id))) {
            // Never answer "complete" for bytes that did not become a photo: the station would mark
            // the upload done and its order would wait at 已采集 for ever. Say what went wrong instead.
            try {
              await finish(upload, req);
            } catch (err) {
              const e = err as { status_code?: number; body?: string };
              if (e.status_code && e.body) res.writeHead(e.status_code, { 'content-type': 'application/json' }).end(e.body);
              else sendFailure(res, new ServerFailure('INTERNAL'));
              ctx.log('warn', 'finishing an upload on HEAD failed', { uploadId: id, error: String((err as Error)?.message ?? e.body ?? err) });
              return;
            }
          }
          // Held already (processed, then the server died before moving the orders on): move them now.
          else if (sha && upload.metadata?.role !== 'admission') await reevaluateWaitingFor(ctx, sha, station.station_id);
        }
      }
      stations.set(req, station);
      try {
        await tus.handle(req, res);
      } finally {
        const done = removeAfter.get(req);
        if (done) await datastore.remove(done).catch(() => {});
      }
    },
    async sweep() {
      const ids = (await datastore.configstore.list?.()) ?? [];
      for (const id of ids) {
        const upload = await datastore.getUpload(id).catch(() => null);
        if (!upload) continue;
        const admission = upload.metadata?.role === 'admission';
        const age = upload.creation_date ? Date.now() - new Date(upload.creation_date).getTime() : 0;
        if (upload.size === undefined || upload.offset !== upload.size) {
          // A cut admission upload holds part of a photo in clear: not kept for days like a capture's.
          if (admission && age > ADMISSION_UPLOAD_KEEP_MS) await datastore.remove(id).catch(() => {});
          continue;
        }
        const owner = upload.metadata?.[OWNER_KEY];
        const held = owner ? await ingested(upload, owner) : false;
        if (!held) await finish(upload).catch((err: unknown) => ctx.log('warn', 'upload sweep', { uploadId: id, error: String((err as { body?: string }).body ?? err) }));
        else if (admission || age > UPLOAD_KEEP_MS) await datastore.remove(id).catch(() => {});
      }
      await datastore.deleteExpired().catch(() => 0);
    },
  };
}
