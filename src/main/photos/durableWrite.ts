import { createHash, randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError } from '../../shared/errors.js';

/**
 * Writes a photo so that once this returns it survives a power cut: a temporary file, fsynced,
 * renamed into place, and the folder fsynced so the rename itself is on disk. Only then may the
 * database row that points at it commit (DESIGN §8). A full disk leaves no partial file behind.
 */
export function writeDurably(path: string, bytes: Uint8Array): { sha256: string } {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = join(dirname(path), `.${randomUUID()}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o600);
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
    const dir = openSync(dirname(path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    // The temporary file is ours and worthless now; a full disk must not keep it.
    rmSync(tmp, { force: true });
    if ((err as { code?: string }).code === 'ENOSPC') throw new AppError('DISK_FULL');
    throw err;
  }
  return { sha256: createHash('sha256').update(bytes).digest('hex') };
}
