import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, sql, PostgresDialect, SqliteDialect, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { MIGRATIONS } from './migrations/index.js';
import type { ServerDatabase } from './schema.js';

export type StoreConfig = 'sqlite' | { postgresUrl: string };
export type Dialect = 'sqlite' | 'postgres';

/** The server's database handle: one Kysely over either engine, and which engine it is (row locks
 * exist only on PostgreSQL; SQLite serialises every transaction on its one connection anyway). */
export interface Store {
  db: Kysely<ServerDatabase>;
  dialect: Dialect;
  close(): Promise<void>;
}

export const SQLITE_FILE = 'server.sqlite';

function openSqlite(dataDir: string): Kysely<ServerDatabase> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SQLITE_FILE);
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a committed order survives a power cut, not just a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<ServerDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
}

function openPostgres(url: string): Kysely<ServerDatabase> {
  const pool = new pg.Pool({ connectionString: url, max: 10, idleTimeoutMillis: 10_000, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its connection emits 'error' on the pool; without a listener that
  // would crash the process. The next query simply opens a new connection.
  pool.on('error', () => {});
  return new Kysely<ServerDatabase>({ dialect: new PostgresDialect({ pool }) });
}

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Opens the store and brings its schema up to date (refusing one written by a newer server). */
export async function openStore(config: StoreConfig, dataDir: string): Promise<Store> {
  const dialect: Dialect = config === 'sqlite' ? 'sqlite' : 'postgres';
  const db = config === 'sqlite' ? openSqlite(dataDir) : openPostgres(config.postgresUrl);
  try {
    // Kysely looks for its migration tables in any schema unless told which: name the current one,
    // so several servers sharing one PostgreSQL database in different schemas stay apart.
    const schema = dialect === 'postgres' ? (await sql<{ s: string }>`SELECT current_schema() AS s`.execute(db)).rows[0]?.s : undefined;
    const { error, results } = await new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) }).migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      throw new Error(`数据库迁移失败 / database migration failed${failed ? ` (${failed})` : ''}: ${error instanceof Error ? error.message : String(error)}`);
    }
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return { db, dialect, close: () => db.destroy() };
}
