import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../shared/errors.js';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';

export type Db = Database.Database;

/** The station's single writer connection. WAL keeps the UI's reads off the writer's back;
 * synchronous=FULL because a photographer's accepted shot must survive a power cut. */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (err) {
    throw asOpenError(err, file);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, MIGRATIONS);
    return db;
  } catch (err) {
    db.close();
    throw asOpenError(err, file);
  }
}

/** For tools that only look (the CLI): never migrates or writes, so it is safe beside a running kiosk. */
export function openDatabaseReadOnly(file: string): Db {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CANTOPEN') {
      throw new AppError('NOT_FOUND', { zh: `找不到采集站数据库：${file}`, en: `No station database at ${file}` });
    }
    throw asOpenError(err, file);
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) throw new AppError('DB_TOO_NEW');
    if (version < MIGRATIONS.length) {
      throw new AppError('CONFLICT', {
        zh: '采集站数据库版本较旧，请先启动一次采集站完成升级',
        en: 'The station database is from an older version; start the kiosk once to upgrade it',
      });
    }
    return db;
  } catch (err) {
    db.close();
    throw asOpenError(err, file);
  }
}

/** A file that is not (or no longer) a database gets words a site manager can act on; the file
 * itself is left exactly as it is for whoever recovers it. */
function asOpenError(err: unknown, file: string): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new AppError('DB_CORRUPT', {
      zh: `数据库文件已损坏或不是本软件的数据库，已原样保留：${file}。请联系技术支持，或用 --data 指定新的数据目录`,
      en: `The database file is damaged or not ours; it was left untouched: ${file}. Contact support, or pass --data for a new data folder`,
    });
  }
  return err;
}
