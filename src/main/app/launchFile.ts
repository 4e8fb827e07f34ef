import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A page in the private data folder that forwards to the kiosk URL with its secret. Chromium is
 * opened on this file instead of the URL, because a process's command line is readable by every
 * user of the machine (ps, /proc) and the secret is all that guards the loopback socket.
 */
export function writeLaunchFile(dataDir: string, launchUrl: string): string {
  const file = join(dataDir, 'open-kiosk.html');
  const escaped = launchUrl.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  writeFileSync(
    file,
    `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="0;url=${escaped}"><title>Campus Capture</title>`,
    { mode: 0o600 },
  );
  return file;
}
