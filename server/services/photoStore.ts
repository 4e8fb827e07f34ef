import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { orderIdsCompleteAt, orderIdsWaitingFor } from '../db/orders.js';
import { addPhotoHolder, getPhoto, insertPhotoIfAbsent } from '../db/photos.js';
import { nowIso, type ServerContext } from '../ServerContext.js';
import { reevaluateOrder } from './orderUpload.js';

/** Photos live by content: <data>/photos/ab/abcdef….; one file per sha256, whoever sent it (who may
 * use it is photo_holders). */
export function photoPath(ctx: Pick<ServerContext, 'photosDir'>, sha256: string): string {
  return join(ctx.photosDir, sha256.slice(0, 2), sha256);
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Puts verified bytes at their content address: a hard link when it can (no copy, atomic), else a
 * copy to a temporary name renamed into place. Fsynced before the row that names it commits. */
async function placeFile(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await link(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return; // placed by an earlier (interrupted) or concurrent arrival of the same bytes
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw err;
    const tmp = `${to}.tmp-${process.pid}-${Date.now()}`;
    await copyFile(from, tmp);
    await fsyncPath(tmp);
    await rename(tmp, to);
  }
  await fsyncPath(to);
  await fsyncPath(dirname(to));
}

export type IngestOutcome = { kind: 'stored' | 'duplicate'; sha256: string; bytes: number } | { kind: 'mismatch'; sha256: string; actual: string };

/**
 * A finished upload: checks its bytes against the sha256 the station named, keeps one copy per
 * hash, then moves any order that was only waiting for this photo on to review. The caller removes
 * the upload on a mismatch. Safe to run twice for the same file (after a crash, or a HEAD retry).
 */
export async function ingestPhoto(ctx: ServerContext, file: string, expectedSha: string, stationId: string): Promise<IngestOutcome> {
  const actual = await sha256OfFile(file);
  if (actual !== expectedSha) return { kind: 'mismatch', sha256: expectedSha, actual };
  const { size } = await stat(file);
  let kind: 'stored' | 'duplicate' = 'duplicate';
  if (!(await getPhoto(ctx.tx, actual))) {
    const dest = photoPath(ctx, actual);
    await placeFile(file, dest);
    // The row names the file relative to the photo folder, so the data folder can move.
    const inserted = await insertPhotoIfAbsent(ctx.tx, { sha256: actual, bytes: size, path: join(actual.slice(0, 2), actual), received_at: nowIso(ctx) });
    if (inserted) kind = 'stored';
  }
  // Held for the station that sent the bytes: its orders, and only its orders, may name them.
  await addPhotoHolder(ctx.tx, actual, stationId, nowIso(ctx));
  // After the photo row commits: the orders that were waiting for it (see uploadOrder's re-check).
  await reevaluateWaitingFor(ctx, actual, stationId);
  return { kind, sha256: actual, bytes: size };
}

/** This station's orders at 已采集 that name this photo move to review if it completed them. Idempotent. */
export async function reevaluateWaitingFor(ctx: ServerContext, sha256: string, stationId: string): Promise<void> {
  for (const orderId of await orderIdsWaitingFor(ctx.tx, sha256, '已采集', stationId)) await reevaluateOrder(ctx, orderId);
}

/**
 * A server killed after a photo's row committed but before its orders moved on leaves them at 已采集
 * with every photo here, and no station will send either again: the start-up sweep moves them.
 */
export async function reevaluateCompleteOrders(ctx: ServerContext): Promise<number> {
  let moved = 0;
  for (const orderId of await orderIdsCompleteAt(ctx.tx, '已采集')) if (await reevaluateOrder(ctx, orderId)) moved++;
  return moved;
}

export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true });
}
