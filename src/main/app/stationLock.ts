import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One kiosk per data folder: two would both issue orders and sync jobs from one station id.
 * A lock left by a crashed kiosk (its process gone) is taken over. */
export function acquireStationLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'kiosk.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
        throw new AppError('STATION_IN_USE', {
          zh: `该数据目录已被另一个采集站进程（PID ${holder}）使用：${dataDir}`,
          en: `Another kiosk process (PID ${holder}) is using this data folder: ${dataDir}`,
        });
      }
      rmSync(file, { force: true });
    }
  }
  throw new AppError('STATION_IN_USE', { zh: `无法锁定数据目录：${dataDir}`, en: `Could not lock the data folder: ${dataDir}` });
}
