import { homedir } from 'node:os';
import { join } from 'node:path';

/** CAMPUS_CAPTURE_DATA wins (tests, portable installs); else the platform's per-user data folder. */
export function defaultDataDir(): string {
  if (process.env.CAMPUS_CAPTURE_DATA) return process.env.CAMPUS_CAPTURE_DATA;
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'campus-capture');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'campus-capture');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'campus-capture');
}
