import { join } from 'node:path';

/** Photos live beside the database, one folder per order; names carry the capture id, never a name. */
export function capturePaths(dataDir: string, taskCode: string, orderId: string, captureId: string) {
  const dir = join(dataDir, 'photos', taskCode, orderId);
  return { original: join(dir, `${captureId}-original.jpg`), finished: join(dir, `${captureId}-finished.jpg`) };
}
