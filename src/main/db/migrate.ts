import type { Database } from 'better-sqlite3';
import { AppError } from '../../shared/errors.js';
import type { Migration } from './migrations/types.js';

/** Runs every pending step in one transaction on PRAGMA user_version; a database from a newer
 * app version is refused rather than half-understood. */
export function migrate(db: Database, migrations: readonly Migration[]): { from: number; to: number } {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration ${m.name} is numbered ${m.version}, expected ${i + 1}`);
  });
  const latest = migrations.length;
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > latest) {
    throw new AppError('DB_TOO_NEW', {
      zh: `数据库版本 ${from} 高于本软件支持的版本 ${latest}，请升级软件后再打开`,
      en: `Database version ${from} is newer than this app supports (${latest}); upgrade the app first`,
    });
  }
  if (from === latest) return { from, to: latest };
  const pending = migrations.slice(from);
  // PRAGMA foreign_keys is a no-op inside a transaction, so it is switched before one starts.
  const keysWereOn = db.pragma('foreign_keys', { simple: true }) === 1;
  const keysOff = keysWereOn && pending.some((m) => m.rebuildsTables);
  if (keysOff) db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      for (const m of pending) {
        if (typeof m.up === 'string') db.exec(m.up);
        else m.up(db);
      }
      if (keysOff) {
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`migration left ${broken.length} rows referencing nothing: ${JSON.stringify(broken.slice(0, 3))}`);
      }
      db.pragma(`user_version = ${latest}`);
    }).immediate();
  } finally {
    if (keysOff) db.pragma('foreign_keys = ON');
  }
  return { from, to: latest };
}
