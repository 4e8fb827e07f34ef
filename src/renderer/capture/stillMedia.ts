import { z } from 'zod';
import type { RpcClient } from '../../shared/rpc/client';
import { AppError, ERROR_CODES, type ErrorCode } from '../../shared/errors';
import { MASK_RAW_TYPE, MEDIA_ELECTRON_ORIGIN, MEDIA_PATH } from '../../shared/stillMedia';
import type { PersonMask } from '../../shared/vision/measureTypes';
import type { RgbPixels } from '../vision/stillVisionProtocol';

/**
 * Stills as bytes on the shell's local URLs (src/main/web/stillMedia.ts), never base64 in an RPC
 * message: the web shell serves them on the page's own origin, Electron on its campus-media scheme.
 * Each request carries this RPC session's bearer key; a key gone stale (the socket reconnected, a
 * new session) is asked for again once.
 */
const keys = new WeakMap<RpcClient, Promise<string>>();

function keyFor(client: RpcClient): Promise<string> {
  let k = keys.get(client);
  if (!k) {
    k = client.call('media.session', {}).then((r) => r.key);
    k.catch(() => keys.delete(client));
    keys.set(client, k);
  }
  return k;
}

function base(): string {
  return location.protocol === 'http:' || location.protocol === 'https:' ? '' : MEDIA_ELECTRON_ORIGIN;
}

async function errorOf(res: Response): Promise<AppError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; zh?: string; en?: string; details?: string[] } };
    const e = body.error;
    if (e && typeof e.code === 'string' && (ERROR_CODES as readonly string[]).includes(e.code)) {
      return new AppError(e.code as ErrorCode, { ...(e.zh ? { zh: e.zh } : {}), ...(e.en ? { en: e.en } : {}), ...(e.details ? { details: e.details } : {}) });
    }
  } catch {
    // not JSON: said below by status
  }
  return new AppError(res.status === 404 ? 'NOT_FOUND' : res.status === 413 ? 'FILE_TOO_LARGE' : 'INTERNAL', { details: [`HTTP ${res.status}`] });
}

async function request(client: RpcClient, path: string, init: RequestInit, retried = false): Promise<Response> {
  if (!path.startsWith(MEDIA_PATH)) throw new AppError('BAD_INPUT', { details: ['not a media path'] });
  const key = await keyFor(client);
  const res = await fetch(base() + path, { ...init, cache: 'no-store', credentials: 'omit', headers: { ...(init.headers as Record<string, string> | undefined), Authorization: `Bearer ${key}` } });
  if (res.status === 401 && !retried) {
    await res.body?.cancel();
    keys.delete(client);
    return request(client, path, init, true);
  }
  if (!res.ok) throw await errorOf(res);
  return res;
}

/** The bytes at a media path the main side gave this session. */
export async function fetchMedia(client: RpcClient, path: string): Promise<Blob> {
  return (await request(client, path, { method: 'GET' })).blob();
}

const StoredStill = z.object({ captureId: z.string().min(1).max(64), width: z.number().int(), height: z.number().int() });

/** A still from the webcam, stored as the shot's untouched original. */
export async function uploadStill(client: RpcClient, orderId: string, still: Blob): Promise<{ captureId: string; width: number; height: number }> {
  const res = await request(client, `${MEDIA_PATH}still/${encodeURIComponent(orderId)}?camera=uvc`, { method: 'POST', body: still, headers: { 'Content-Type': 'image/jpeg' } });
  return StoredStill.parse(await res.json());
}

/** The analysis copy main made for a shot: upright raw RGB of the size capture.stillAnalysis said. */
export async function fetchPixels(client: RpcClient, path: string, width: number, height: number): Promise<RgbPixels> {
  const rgb = new Uint8Array(await (await request(client, path, { method: 'GET' })).arrayBuffer());
  if (rgb.length !== width * height * 3) throw new AppError('INTERNAL', { details: [`analysis copy has ${rgb.length} bytes for ${width}×${height}`] });
  return { rgb, width, height };
}

/** The person mask for a shot, raw (MASK_RAW_TYPE), ahead of capture.prepareFinish / finishShot. */
export async function uploadMask(client: RpcClient, captureId: string, mask: PersonMask): Promise<void> {
  // As a Blob: Chromium sent a 175 KB typed-array body ~3× slower than the same bytes as a Blob
  // (12 vs 4 ms on loopback, measured here).
  const body = new Blob([mask.data as Uint8Array<ArrayBuffer>], { type: MASK_RAW_TYPE });
  await request(client, `${MEDIA_PATH}mask/${encodeURIComponent(captureId)}?width=${mask.width}&height=${mask.height}`, { method: 'PUT', body, headers: { 'Content-Type': MASK_RAW_TYPE } });
}

/** An object URL for a media path (the caller revokes it when the image leaves the screen). */
export async function mediaObjectUrl(client: RpcClient, path: string): Promise<string> {
  return URL.createObjectURL(await fetchMedia(client, path));
}
