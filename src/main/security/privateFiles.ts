import { chmod, mkdir, open, type FileHandle } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Owner only: what leaves the station with full ID numbers in it (the day export). */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * The mode given to open() or mkdir() is masked by the process umask (022 usually, but 0 under some
 * service managers), so the mode is set again with chmod, which the umask does not touch. File
 * systems without Unix modes (a FAT or exFAT USB drive) answer chmod with EPERM or ENOTSUP: there the
 * mount options decide who may read, and the write goes on.
 */
async function insist(set: Promise<void>): Promise<void> {
  try {
    await set;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
  }
}

/** Creates `path` (its parent must exist) readable by its owner only. */
export async function mkdirPrivate(path: string): Promise<void> {
  await mkdir(path, { mode: PRIVATE_DIR_MODE });
  if (process.platform !== 'win32') await insist(chmod(path, PRIVATE_DIR_MODE));
}

/** Creates every missing folder from `root` (which must exist) down to `path`, each owner-only. */
export async function mkdirPrivateUnder(root: string, path: string): Promise<void> {
  let at = root;
  for (const part of relative(root, path).split(sep).filter(Boolean)) {
    at = join(at, part);
    try {
      await mkdirPrivate(at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** A new file (never over an existing one), readable and writable by its owner only. */
export async function openPrivateFile(path: string): Promise<FileHandle> {
  const fh = await open(path, 'wx', PRIVATE_FILE_MODE);
  try {
    if (process.platform !== 'win32') await insist(fh.chmod(PRIVATE_FILE_MODE));
  } catch (err) {
    await fh.close();
    throw err;
  }
  return fh;
}
