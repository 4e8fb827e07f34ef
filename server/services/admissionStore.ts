import { randomUUID } from 'node:crypto';
import { open, readFile, rename, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { ADMISSION_PHOTO_MAX_BYTES } from '../../src/shared/sync/protocol.js';
import { getOrderAdmission, putOrderAdmission } from '../db/admissionPhotos.js';
import { getOrder } from '../db/orders.js';
import { inTransaction } from '../db/tx.js';
import { sha256Hex } from '../security/secrets.js';
import { nowIso, type ServerContext } from '../ServerContext.js';

/**
 * Admission photos a station sends with its orders (issue 15): checked on arrival (sha256, size, an
 * image sharp can read), sealed with the master key like ID numbers, kept one per order under
 * <data>/admission, and given out only to the review page. No station route reads them back.
 */

/** Formats a reviewer's browser can show as they are (TIFF is converted when served). */
const ADMISSION_FORMATS = ['jpeg', 'png', 'webp', 'tiff'] as const;
type AdmissionFormat = (typeof ADMISSION_FORMATS)[number];
/** An ID photo is a few hundred pixels a side; a scan may be larger, but not this. */
const MAX_SIDE = 10_000;

export function admissionDir(ctx: Pick<ServerContext, 'dataDir'>): string {
  return join(ctx.dataDir, 'admission');
}

export type AdmissionOutcome =
  | { kind: 'stored' | 'duplicate'; sha256: string; bytes: number }
  | { kind: 'mismatch'; sha256: string; actual: string }
  | { kind: 'bad_image'; zh: string; en: string; detail: string }
  | { kind: 'too_large'; bytes: number }
  | { kind: 'not_owner'; owner: string | null };

/** What sharp makes of the bytes: the format and size from the header, then a small decode to prove the pixels are there. */
export async function inspectAdmissionImage(bytes: Buffer): Promise<{ ok: true; format: AdmissionFormat; width: number; height: number } | { ok: false; detail: string }> {
  try {
    const meta = await sharp(bytes, { limitInputPixels: MAX_SIDE * MAX_SIDE }).metadata();
    const format = meta.format as string | undefined;
    if (!format || !(ADMISSION_FORMATS as readonly string[]).includes(format)) return { ok: false, detail: `format: ${format ?? 'unknown'}` };
    const { width, height } = meta;
    if (!width || !height || width > MAX_SIDE || height > MAX_SIDE) return { ok: false, detail: `size: ${width ?? '?'}×${height ?? '?'}` };
    // A header alone can sit in front of nothing: decode (small) so a truncated or garbled body is refused now, not on the review page.
    await sharp(bytes, { failOn: 'error', limitInputPixels: MAX_SIDE * MAX_SIDE }).resize(32, 32, { fit: 'inside' }).raw().toBuffer();
    return { ok: true, format: format as AdmissionFormat, width, height };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

/** Written whole or not at all, readable by the server's user only, fsynced (file and folder) before the row that names it commits. */
async function writeSealed(dir: string, name: string, text: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `${name}.tmp-${process.pid}-${randomUUID()}`);
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, name));
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/**
 * A finished admission upload for `orderId` from `stationId`: kept (sealed) only if the order is
 * that station's, the bytes are the sha256 it named, within the size limit and an image. Safe to
 * run twice for the same file (after a crash, or a HEAD retry): the same bytes for the same order
 * are a duplicate. The caller removes the upload file in every case but an internal failure.
 */
export async function ingestAdmission(ctx: ServerContext, file: string, expectedSha: string, stationId: string, orderId: string): Promise<AdmissionOutcome> {
  const order = await getOrder(ctx.tx, orderId);
  if (!order || order.station_id !== stationId) return { kind: 'not_owner', owner: order?.station_id ?? null };
  const bytes = await readFile(file);
  if (bytes.length > ADMISSION_PHOTO_MAX_BYTES) return { kind: 'too_large', bytes: bytes.length };
  const actual = sha256Hex(bytes);
  if (actual !== expectedSha) return { kind: 'mismatch', sha256: expectedSha, actual };
  const existing = await getOrderAdmission(ctx.tx, orderId);
  if (existing && existing.sha256 === actual) return { kind: 'duplicate', sha256: actual, bytes: bytes.length };
  const image = await inspectAdmissionImage(bytes);
  if (!image.ok) {
    return { kind: 'bad_image', zh: '录取照片不是可识别的图像（jpg、png、webp、tif），已丢弃', en: 'The admission photo is not a readable image (jpg, png, webp, tif); discarded', detail: image.detail };
  }
  const dir = admissionDir(ctx);
  const name = `${randomUUID()}.sealed`;
  await writeSealed(dir, name, ctx.keys.seal(bytes));
  let replaced: string | null;
  try {
    replaced = await inTransaction(ctx.tx, async (t) => {
      // Owned at commit too: an admin transfer while the bytes were checked moves the order on.
      const now = await getOrder(t, orderId, { lock: true });
      if (!now || now.station_id !== stationId) throw new NotOwner(now?.station_id ?? null);
      return putOrderAdmission(t, {
        order_id: orderId,
        station_id: stationId,
        sha256: actual,
        bytes: bytes.length,
        format: image.format,
        width: image.width,
        height: image.height,
        path: name,
        received_at: nowIso(ctx),
      });
    });
  } catch (err) {
    await rm(join(dir, name), { force: true });
    if (err instanceof NotOwner) return { kind: 'not_owner', owner: err.owner };
    throw err;
  }
  if (replaced) await rm(join(dir, replaced), { force: true });
  return { kind: 'stored', sha256: actual, bytes: bytes.length };
}

class NotOwner extends Error {
  constructor(readonly owner: string | null) {
    super('not the owner');
  }
}

/** Whether these bytes are already kept for this order (so a finished upload needs no more work). */
export async function admissionHeld(ctx: ServerContext, orderId: string, sha256: string): Promise<boolean> {
  return (await getOrderAdmission(ctx.tx, orderId))?.sha256 === sha256;
}

const CONTENT_TYPES: Record<AdmissionFormat, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', tiff: 'image/jpeg' };

/** The order's admission photo for the review page, opened in memory: as sent, or as JPEG when the browser could not show it (TIFF). */
export async function readAdmission(ctx: ServerContext, orderId: string): Promise<{ bytes: Buffer; contentType: string } | null> {
  const row = await getOrderAdmission(ctx.tx, orderId);
  if (!row) return null;
  const plain = ctx.keys.open(await readFile(join(admissionDir(ctx), row.path), 'utf8'));
  const format = row.format as AdmissionFormat;
  if (format === 'tiff') return { bytes: await sharp(plain).rotate().jpeg({ quality: 90 }).toBuffer(), contentType: CONTENT_TYPES.tiff };
  return { bytes: plain, contentType: CONTENT_TYPES[format] ?? 'application/octet-stream' };
}
