import { chmodSync, mkdirSync } from 'node:fs';

/** The data folder holds the roster, the PII key and photos: readable by the kiosk's user only,
 * whatever the umask or the home folder's mode. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') chmodSync(dir, 0o700);
}
