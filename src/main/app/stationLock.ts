import Database from 'better-sqlite3';
import { join } from 'node:path';
import { AppError } from '../../shared/errors.js';
import { ensurePrivateDir } from './privateDir.js';

/**
 * One kiosk per data folder: two would both issue orders and sync jobs under one station id.
 * The lock is an exclusive SQLite lock on a small file, held for the life of the process. The
 * operating system drops it when the process dies, however it dies, so a crash or a power cut
 * never leaves a stale lock behind, and two kiosks starting at the same instant cannot both win.
 */
export function acquireStationLock(dataDir: string): () => void {
  ensurePrivateDir(dataDir);
  const db = new Database(join(dataDir, 'kiosk.lock'), { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new AppError('STATION_IN_USE', {
        zh: `该数据目录已被另一个采集站进程使用：${dataDir}`,
        en: `Another kiosk process is using this data folder: ${dataDir}`,
      });
    }
    throw err;
  }
  return () => {
    if (db.open) db.close();
  };
}
