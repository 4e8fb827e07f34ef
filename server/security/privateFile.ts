import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Reads a secret file, or creates it (mode 600, exclusive, fsynced) with `make()` when missing.
 * Exclusive creation means two servers starting on one folder agree on one secret.
 */
export function readOrCreatePrivateFile(path: string, make: () => string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dirname(path), { recursive: true });
  const value = make();
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8').trim();
    throw err;
  }
  try {
    writeSync(fd, value + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return value;
}
