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
  db.transaction(() => {
    for (const m of migrations.slice(from)) {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
    }
    db.pragma(`user_version = ${latest}`);
  }).immediate();
  return { from, to: latest };
}
