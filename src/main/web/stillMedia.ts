import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CAMERA_KINDS } from '../../shared/rpc/contract.js';
import { AppError, type ErrorCode } from '../../shared/errors.js';
import { ANALYSIS_RGB_TYPE, MASK_RAW_TYPE, MaskRawQuery, MAX_MASK_BYTES, MAX_STILL_BYTES, MEDIA_KINDS, MEDIA_PATH, MediaId, mediaPath, type MediaKind } from '../../shared/stillMedia.js';
import { addStill, analysisImage, captureThumbnail } from '../capture/captureService.js';
import { decodeMaskPng } from '../imaging/maskPng.js';
import type { PersonMask } from '../imaging/maskToAlpha.js';
import { createLogger } from '../log/logger.js';
import type { AppContext, Session } from '../services/AppContext.js';

const log = createLogger('still-media');

/**
 * The still routes both shells serve (web shell: http://127.0.0.1:port/media/…, Electron:
 * campus-media://station/media/…), in one place so both answer the same bytes with the same checks:
 *
 *   POST /media/still/<orderId>?camera=uvc   body: the still (≤ 21 MB)   → {captureId, width, height}
 *   PUT  /media/mask/<captureId>?width=W&height=H   body: the person mask, W×H raw bytes → 204
 *   PUT  /media/mask/<captureId>             body: the person mask as a greyscale PNG → 204
 *   GET  /media/<kind>/<id>                  kind: analysis (raw RGB) | finished | thumb-finished | thumb-original
 *
 * Every request carries `Authorization: Bearer <key>`, the key `media.session` gave one RPC session
 * (32 random bytes, never reused, dropped when that session's socket or window closes). No key or a
 * dead one → 401; a key whose session has nobody logged in → 403; an id this session was not given (by
 * `capture.stillAnalysis`, `capture.finishShot`, `capture.photoUrl`, or its own upload) → 404, so a
 * URL copied from one session reads nothing in another. Nothing is cached (no-store).
 */

type Loader = () => Promise<Buffer>;

interface MediaSession {
  key: string;
  session: Session;
  ctx: AppContext;
  /** `${kind}/${id}` → how to produce the bytes (a held buffer or a read at request time). */
  grants: Map<string, Loader>;
  /** Captures whose mask this session may upload (it fetched their analysis copy). */
  maskable: Set<string>;
  masks: Map<string, PersonMask>;
}

/** Few at once: a session processes one shot at a time; the bound keeps a stray client from hoarding. */
const MAX_GRANTS = 48;
const MAX_MASKS = 3;

const byKey = new Map<string, MediaSession>();
const bySession = new WeakMap<Session, MediaSession>();

/** The bearer key of this RPC session (made on first ask): for an operator or a student display only. */
export function mediaKeyFor(ctx: AppContext, session: Session): string {
  if (!session.operator && !session.studentDisplay) throw new AppError('UNAUTHENTICATED');
  let m = bySession.get(session);
  if (!m || !byKey.has(m.key)) {
    m = { key: randomBytes(32).toString('hex'), session, ctx, grants: new Map(), maskable: new Set(), masks: new Map() };
    bySession.set(session, m);
    byKey.set(m.key, m);
  }
  return m.key;
}

/** The session is gone (socket closed, window closed): its key and everything it was given go too. */
export function dropMediaSession(session: Session): void {
  const m = bySession.get(session);
  if (!m) return;
  byKey.delete(m.key);
  bySession.delete(session);
  m.grants.clear();
  m.masks.clear();
}

function sessionOf(ctx: AppContext, session: Session): MediaSession {
  const m = bySession.get(session);
  if (m && byKey.has(m.key)) return m;
  mediaKeyFor(ctx, session);
  return bySession.get(session)!;
}

function bounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value!);
}

/** Lets this session GET `kind/id`; the returned path is what the renderer fetches (after its base). */
export function grantMedia(ctx: AppContext, session: Session, kind: MediaKind, id: string, load: Loader): string {
  const m = sessionOf(ctx, session);
  bounded(m.grants, `${kind}/${id}`, load, MAX_GRANTS);
  if (kind === 'analysis') {
    m.maskable.add(id);
    while (m.maskable.size > MAX_GRANTS) m.maskable.delete(m.maskable.values().next().value!);
  }
  return mediaPath(kind, id);
}

/**
 * The analysis copy for the renderer's models, made now (the still's errors come back on the RPC,
 * bilingual) and held for one fetch by URL.
 */
export async function grantAnalysis(ctx: AppContext, session: Session, captureId: string): Promise<{ url: string; width: number; height: number; scale: number }> {
  const a = await analysisImage(ctx, captureId);
  const rgb = a.rgb;
  const url = grantMedia(ctx, session, 'analysis', captureId, () => Promise.resolve(rgb));
  return { url, width: a.width, height: a.height, scale: a.scale };
}

/** The mask this session uploaded for a capture, taken (once). */
export function takeMask(ctx: AppContext, session: Session, captureId: string): PersonMask | null {
  const m = sessionOf(ctx, session);
  const mask = m.masks.get(captureId) ?? null;
  m.masks.delete(captureId);
  return mask;
}

/** After finishing, the analysis copy is no longer needed: its bytes are let go. */
export function releaseAnalysis(ctx: AppContext, session: Session, captureId: string): void {
  const m = sessionOf(ctx, session);
  m.grants.delete(`analysis/${captureId}`);
  m.maskable.delete(captureId);
}

export function grantFinished(ctx: AppContext, session: Session, captureId: string, path: string): string {
  return grantMedia(ctx, session, 'finished', captureId, () => readFile(path));
}

export function grantThumbnail(ctx: AppContext, session: Session, captureId: string, which: 'finished' | 'original'): string {
  return grantMedia(ctx, session, which === 'finished' ? 'thumb-finished' : 'thumb-original', captureId, () => captureThumbnail(ctx, captureId, which));
}

// ---- the request handler, free of any HTTP framework ----

export interface MediaRequest {
  method: string;
  /** Path and query, e.g. /media/analysis/<id>. */
  url: string;
  authorization: string | undefined;
  contentLength: number | undefined;
  contentType?: string | undefined;
  /** Reads the body, failing with FILE_TOO_LARGE past `limit` bytes. */
  body(limit: number): Promise<Buffer>;
}

export interface MediaResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  FILE_TOO_LARGE: 413,
  DISK_FULL: 507,
};

const BASE_HEADERS = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };

function json(status: number, value: unknown): MediaResponse {
  return { status, headers: { ...BASE_HEADERS, 'Content-Type': 'application/json; charset=utf-8' }, body: Buffer.from(JSON.stringify(value)) };
}

function errorResponse(err: unknown): MediaResponse {
  let e: AppError;
  if (err instanceof AppError) e = err;
  else if ((err as NodeJS.ErrnoException | undefined)?.code === 'ENOSPC') e = new AppError('DISK_FULL');
  else {
    log.error('media request failed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    e = new AppError('INTERNAL');
  }
  return json(STATUS[e.code] ?? 500, { ok: false, error: e.toPayload() });
}

export function tooLarge(limit: number): AppError {
  const mb = Math.round(limit / 1_000_000);
  return new AppError('FILE_TOO_LARGE', { zh: `文件过大（上限 ${mb} MB）`, en: `The file is too large (limit ${mb} MB)` });
}

const unauthenticated = () => new AppError('UNAUTHENTICATED', { zh: '缺少或无效的会话凭据，请刷新页面', en: 'Missing or stale session key; reload the page' });
const notFound = () => new AppError('NOT_FOUND', { zh: '没有这张图片（或不属于本会话）', en: 'No such image (or not for this session)' });

function keyFrom(authorization: string | undefined): MediaSession | undefined {
  const m = /^Bearer ([0-9a-f]{64})$/.exec(authorization ?? '');
  if (!m) return undefined;
  const found = byKey.get(m[1]!);
  // The map lookup already needs the exact key; the constant-time compare keeps it honest anyway.
  if (!found || !timingSafeEqual(Buffer.from(found.key), Buffer.from(m[1]!))) return undefined;
  return found;
}

const StillQuery = z.object({ camera: z.enum(CAMERA_KINDS).default('uvc') }).strict();

export function isMediaPath(url: string): boolean {
  return url.startsWith(MEDIA_PATH);
}

export async function handleMediaRequest(req: MediaRequest): Promise<MediaResponse> {
  try {
    const url = new URL(req.url, 'http://station');
    const parts = url.pathname.slice(MEDIA_PATH.length).split('/');
    if (parts.length !== 2) throw notFound();
    const [route, rawId] = parts as [string, string];
    let id: string;
    try {
      id = MediaId.parse(decodeURIComponent(rawId));
    } catch {
      throw new AppError('BAD_INPUT', { zh: '图片编号无效', en: 'The image id is invalid' });
    }
    const m = keyFrom(req.authorization);
    if (!m) throw unauthenticated();
    // A student's screen reads the photo published to it and nothing else; everything else needs an operator.
    const studentPhoto = route === 'student-photo' && m.session.studentDisplay === true;
    if (!m.session.operator && !studentPhoto) throw new AppError('FORBIDDEN', { zh: '请先登录', en: 'Please log in first' });

    if (route === 'still') {
      if (req.method !== 'POST') return json(405, { ok: false, error: new AppError('BAD_INPUT', { zh: '请求方法不允许', en: 'Method not allowed' }).toPayload() });
      const q = StillQuery.safeParse(Object.fromEntries(url.searchParams));
      if (!q.success) throw new AppError('BAD_INPUT', { zh: '相机类型无效', en: 'Unknown camera kind' });
      if ((req.contentLength ?? 0) > MAX_STILL_BYTES) throw tooLarge(MAX_STILL_BYTES);
      const bytes = await req.body(MAX_STILL_BYTES);
      const shot = await addStill(m.ctx, id, bytes, q.data.camera);
      return json(200, shot);
    }
    if (route === 'mask') {
      if (req.method !== 'PUT') return json(405, { ok: false, error: new AppError('BAD_INPUT', { zh: '请求方法不允许', en: 'Method not allowed' }).toPayload() });
      if (!m.maskable.has(id)) throw notFound();
      if ((req.contentLength ?? 0) > MAX_MASK_BYTES) throw tooLarge(MAX_MASK_BYTES);
      const mask = await readMask(req, url.searchParams);
      bounded(m.masks, id, mask, MAX_MASKS);
      return { status: 204, headers: { ...BASE_HEADERS }, body: Buffer.alloc(0) };
    }
    if (!(MEDIA_KINDS as readonly string[]).includes(route)) throw notFound();
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { ok: false, error: new AppError('BAD_INPUT', { zh: '请求方法不允许', en: 'Method not allowed' }).toPayload() });
    const load = m.grants.get(`${route}/${id}`);
    if (!load) throw notFound();
    const body = await load();
    const type = route === 'analysis' ? ANALYSIS_RGB_TYPE : 'image/jpeg';
    return { status: 200, headers: { ...BASE_HEADERS, 'Content-Type': type, 'Content-Length': String(body.length) }, body: req.method === 'HEAD' ? Buffer.alloc(0) : body };
  } catch (err) {
    return errorResponse(err);
  }
}

const badMask = (detail: string) => new AppError('BAD_INPUT', { zh: '人像分割数据无效', en: 'The person segmentation mask is invalid', details: [detail] });

/** A mask body: raw bytes of the size its query gives (MASK_RAW_TYPE), else a greyscale PNG. */
async function readMask(req: MediaRequest, query: URLSearchParams): Promise<PersonMask> {
  const raw = (req.contentType ?? '').split(';')[0]!.trim().toLowerCase() === MASK_RAW_TYPE;
  if (!raw) return decodeMaskPng(await req.body(MAX_MASK_BYTES));
  const q = MaskRawQuery.safeParse(Object.fromEntries(query));
  if (!q.success) throw badMask('width and height (1–4096) are required for a raw mask');
  const n = q.data.width * q.data.height;
  if (req.contentLength !== undefined && req.contentLength !== n) throw badMask(`${req.contentLength} bytes for ${q.data.width}×${q.data.height}`);
  const body = await req.body(MAX_MASK_BYTES);
  if (body.length !== n) throw badMask(`${body.length} bytes for ${q.data.width}×${q.data.height}`);
  return { width: q.data.width, height: q.data.height, data: new Uint8Array(body.buffer, body.byteOffset, n) };
}

/** Reads a Node stream's body up to `limit` bytes. */
export async function readBounded(chunks: AsyncIterable<Buffer | Uint8Array>, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const c of chunks) {
    total += c.length;
    if (total > limit) throw tooLarge(limit);
    parts.push(Buffer.from(c.buffer, c.byteOffset, c.length));
  }
  return Buffer.concat(parts, total);
}

/** Electron's protocol.handle speaks Fetch: the same handler behind a Request/Response adapter. */
export async function handleMediaFetch(request: Request): Promise<Response> {
  const u = new URL(request.url);
  if (request.method === 'OPTIONS') {
    return new Response(null, {
      status: 204,
      headers: { ...BASE_HEADERS, 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, POST, PUT', 'Access-Control-Allow-Headers': 'Authorization, Content-Type' },
    });
  }
  const length = request.headers.get('content-length');
  const r = await handleMediaRequest({
    method: request.method,
    url: u.pathname + u.search,
    authorization: request.headers.get('authorization') ?? undefined,
    contentLength: length === null ? undefined : Number(length),
    contentType: request.headers.get('content-type') ?? undefined,
    body: (limit) => (request.body ? readBounded(request.body as unknown as AsyncIterable<Uint8Array>, limit) : Promise.resolve(Buffer.alloc(0))),
  });
  return new Response(r.status === 204 || r.body.length === 0 ? null : new Uint8Array(r.body), { status: r.status, headers: { ...r.headers, 'Access-Control-Allow-Origin': '*' } });
}
