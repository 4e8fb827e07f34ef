import { join } from 'node:path';
import { readOrCreatePrivateFile } from './privateFile.js';
import { randomToken } from './secrets.js';

export const ADMIN_TOKEN_FILE = 'admin-token';

/** The admin's bearer token: made at first start into <data>/admin-token (mode 600), kept after. */
export function loadAdminToken(dataDir: string): { token: string; file: string } {
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  return { token: readOrCreatePrivateFile(file, () => randomToken(32)), file };
}
