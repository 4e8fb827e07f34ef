import type { Store } from './db/openStore.js';
import type { Tx } from './db/tx.js';
import type { MasterKey } from './security/masterKey.js';

export type LogLevel = 'info' | 'warn' | 'error';
/** Structured log lines. Never pass student data (names, ID numbers) in `fields`. */
export type ServerLog = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

/** What every service and route handler gets: the store, the folders, the keys and the clock. */
export interface ServerContext {
  store: Store;
  /** The root handle (not in a transaction); services open transactions from it. */
  tx: Tx;
  dataDir: string;
  photosDir: string;
  uploadsDir: string;
  keys: MasterKey;
  adminToken: string;
  serverName: string;
  /** Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (review login limits, Secure cookies). */
  trustedProxies: readonly string[];
  now(): Date;
  log: ServerLog;
}

export function nowIso(ctx: Pick<ServerContext, 'now'>): string {
  return ctx.now().toISOString();
}
