import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openStore, type StoreConfig } from './db/openStore.js';
import { getMeta, setMetaIfAbsent } from './db/serverMeta.js';
import { createHttpServer, DEFAULT_TIMEOUTS, type ServerTimeouts } from './http/createHttpServer.js';
import { createUploads } from './http/tusUploads.js';
import { loadAdminToken } from './security/adminToken.js';
import { loadMasterKey } from './security/masterKey.js';
import type { ServerContext, ServerLog } from './ServerContext.js';
import { seedDemo } from './services/demoSeed.js';
import { DEMO_TASK_CODE } from '../src/shared/demo/demoTask.js';
import { createEnrolCode } from './services/enrolment.js';
import { reevaluateCompleteOrders } from './services/photoStore.js';

export interface StartServerOptions {
  /** Photos, uploads, keys, the admin token and (with SQLite) the database live here. */
  dataDir: string;
  /** 0 picks a free port (tests). */
  port: number;
  host?: string;
  store: StoreConfig;
  /** Seed the demo task on first start and make one enrolment code. */
  demo?: boolean;
  now?: () => Date;
  log?: ServerLog;
  serverName?: string;
  /** Addresses of reverse proxies in front of the server (TLS ends there): believed about the client's address and https. */
  trustProxy?: readonly string[];
  /** Tests shorten these to see a stalled client cut off. */
  timeouts?: Partial<ServerTimeouts>;
}

export interface RunningServer {
  url: string;
  adminToken: string;
  adminTokenFile: string;
  /** With `demo`: a fresh one-time code for a station to enrol with. */
  demoEnrolCode?: string;
  close(): Promise<void>;
}

export const DEFAULT_SERVER_NAME = '校园图像采集中心服务器 / Campus Capture server';
const KEY_CHECK = 'master_key_check';
const SWEEP_EVERY_MS = 60 * 60_000;

/** The server's master key must be the one its database was written with; say so plainly if not. */
async function checkMasterKey(ctx: ServerContext): Promise<void> {
  await setMetaIfAbsent(ctx.tx, KEY_CHECK, ctx.keys.sealText('campus-capture'));
  const sealed = await getMeta(ctx.tx, KEY_CHECK);
  try {
    if (sealed && ctx.keys.openText(sealed) === 'campus-capture') return;
  } catch {
    // fall through
  }
  throw new Error('主密钥与数据库不匹配（换了数据目录或 CC_SERVER_MASTER_KEY？）/ the master key does not match the database (another data folder or CC_SERVER_MASTER_KEY?)');
}

/** Starts the central server; resolves once it is listening. */
export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const keys = loadMasterKey(opts.dataDir);
  const admin = loadAdminToken(opts.dataDir);
  const store = await openStore(opts.store, opts.dataDir);
  const ctx: ServerContext = {
    store,
    tx: { db: store.db, dialect: store.dialect },
    dataDir: opts.dataDir,
    photosDir: join(opts.dataDir, 'photos'),
    uploadsDir: join(opts.dataDir, 'uploads'),
    keys,
    adminToken: admin.token,
    serverName: opts.serverName ?? DEFAULT_SERVER_NAME,
    trustedProxies: opts.trustProxy ?? [],
    now: opts.now ?? (() => new Date()),
    log: opts.log ?? (() => {}),
  };
  let sweepTimer: NodeJS.Timeout | undefined;
  try {
    mkdirSync(ctx.photosDir, { recursive: true });
    await checkMasterKey(ctx);
    let demoEnrolCode: string | undefined;
    if (opts.demo) {
      await seedDemo(ctx);
      demoEnrolCode = (await createEnrolCode(ctx, { label: 'demo', tasks: [DEMO_TASK_CODE] })).code;
    }
    const uploads = createUploads(ctx);
    await uploads.sweep();
    const moved = await reevaluateCompleteOrders(ctx);
    if (moved) ctx.log('info', 'orders moved to review after an interrupted start', { orders: moved });
    const server = createHttpServer(ctx, uploads, { ...DEFAULT_TIMEOUTS, ...opts.timeouts });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    sweepTimer = setInterval(() => {
      uploads
        .sweep()
        .then(() => reevaluateCompleteOrders(ctx))
        .catch((err: unknown) => ctx.log('warn', 'upload sweep failed', { error: String(err) }));
    }, SWEEP_EVERY_MS);
    sweepTimer.unref();
    const { port } = server.address() as AddressInfo;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    ctx.log('info', 'listening', { url, store: store.dialect });
    let closing: Promise<void> | undefined;
    return {
      url,
      adminToken: admin.token,
      adminTokenFile: admin.file,
      ...(demoEnrolCode ? { demoEnrolCode } : {}),
      close: () =>
        (closing ??= (async () => {
          clearInterval(sweepTimer);
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
            // Uploads in flight are cut; their stations resume them (tus) after the restart.
            setTimeout(() => server.closeAllConnections(), 2000).unref();
          });
          await store.close();
        })()),
    };
  } catch (err) {
    clearInterval(sweepTimer);
    await store.close();
    throw err;
  }
}
