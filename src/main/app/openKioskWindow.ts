import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeLaunchFile } from './launchFile.js';
import { createLogger } from '../log/logger.js';

const log = createLogger('kiosk-window');

export const CHROMIUM_FLAGS = [
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-features=Translate,MediaRouter',
] as const;

export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((c): c is string => !!c && existsSync(c));
}

export function hasDisplay(): boolean {
  return !!(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) || process.platform === 'win32' || process.platform === 'darwin';
}

/** Opens the web shell in Chromium's app mode (no address bar), with its own profile so the
 * photographer's browser is untouched; the secret travels through a private file, not argv. Returns undefined when there is no display or no Chromium. */
export function openKioskWindow(launchUrl: string, dataDir: string): ChildProcess | undefined {
  const chromium = findChromium();
  if (!chromium || !hasDisplay()) return undefined;
  const launchFile = pathToFileURL(writeLaunchFile(dataDir, launchUrl)).href;
  const args = [...CHROMIUM_FLAGS, `--user-data-dir=${join(dataDir, 'chromium-profile')}`, `--app=${launchFile}`];
  if (process.getuid?.() === 0) args.unshift('--no-sandbox');
  const child = spawn(chromium, args, { stdio: 'ignore', detached: false });
  child.on('error', (err) => log.warn('could not open Chromium', { error: err.message }));
  return child;
}
