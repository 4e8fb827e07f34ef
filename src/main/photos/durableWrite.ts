import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError } from '../../shared/errors.js';

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes a photo so that once this returns it survives a power cut: a temporary file, fsynced,
 * renamed into place, and the folders fsynced so the rename (and any folder just created) is on disk.
 * Only then may the database row that points at it commit (DESIGN §8). Asynchronous, so a 24 MB
 * write does not stall the service's other requests. A full disk leaves no partial file behind.
 */
export async function writeDurably(path: string, bytes: Uint8Array): Promise<{ sha256: string }> {
  const dir = dirname(path);
  // The folders this call creates must themselves reach the disk: fsync each one's parent too.
  const created: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) created.push(d);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${randomUUID()}.tmp`);
  try {
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    await fsyncDir(dir);
    for (const d of created) await fsyncDir(dirname(d));
  } catch (err) {
    // The temporary file is ours and worthless now; a full disk must not keep it.
    await rm(tmp, { force: true });
    if ((err as { code?: string }).code === 'ENOSPC') throw new AppError('DISK_FULL');
    throw err;
  }
  return { sha256: createHash('sha256').update(bytes).digest('hex') };
}
