import { join } from 'node:path';

/** Photos live beside the database, one folder per order; names carry the capture id, never a name. */
export function capturePaths(dataDir: string, taskCode: string, orderId: string, captureId: string) {
  const dir = join(dataDir, 'photos', taskCode, orderId);
  return {
    original: join(dir, `${captureId}-original.jpg`),
    /** Named by content as well: two finishes racing never write the same file. */
    finished: (sha256: string) => join(dir, `${captureId}-finished-${sha256.slice(0, 12)}.jpg`),
  };
}
