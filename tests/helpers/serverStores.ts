import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import * as tus from 'tus-js-client';
import { startServer, type RunningServer, type StartServerOptions } from '../../server/startServer.js';
import { PATHS, type EnrolResponse, type OrderUpload } from '../../src/shared/sync/protocol.js';

/**
 * The central server under test, on either store. The same suites run on both (issue 6):
 * SQLite in a temp folder, and PostgreSQL at CC_PG_URL (or one ensurePostgres() provides). A test
 * run makes its own database on that server and every test server its own schema in it, so runs
 * and tests never see each other; the database is dropped when the run ends.
 */
export type StoreKind = 'sqlite' | 'postgres';
export const STORE_KINDS: readonly StoreKind[] = process.env.CC_SERVER_STORES
  ? (process.env.CC_SERVER_STORES.split(',') as StoreKind[])
  : ['sqlite', 'postgres'];

let pgRun: Promise<{ adminUrl: string; runUrl: string; dbName: string }> | undefined;
let schemaCount = 0;

async function adminPgUrl(): Promise<string> {
  if (process.env.CC_PG_URL) return process.env.CC_PG_URL;
  // A variable specifier keeps TypeScript from wanting declarations for the .mjs script.
  const script = resolve(import.meta.dirname, '../../scripts/ensurePostgres.mjs');
  const mod = (await import(script)) as { ensurePostgres(): Promise<string> };
  return mod.ensurePostgres();
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** One database per test run: cc_test_<epoch seconds>_<pid>. Leftovers of killed runs older than a
 * few hours are dropped on the way. */
function pgRunDatabase(): Promise<{ adminUrl: string; runUrl: string; dbName: string }> {
  pgRun ??= (async () => {
    const adminUrl = await adminPgUrl();
    const dbName = `cc_test_${Math.floor(Date.now() / 1000)}_${process.pid}`;
    await withClient(adminUrl, async (c) => {
      const old = await c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname ~ '^cc_test_[0-9]+_[0-9]+$'");
      for (const { datname } of old.rows) {
        const started = Number(datname.split('_')[2]);
        if (Date.now() / 1000 - started > 6 * 3600) await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => {});
      }
      await c.query(`CREATE DATABASE ${dbName}`);
    });
    const u = new URL(adminUrl);
    u.pathname = `/${dbName}`;
    return { adminUrl, runUrl: u.toString(), dbName };
  })();
  return pgRun;
}

/** A fresh, empty store config of this kind. */
export async function freshStore(kind: StoreKind): Promise<StartServerOptions['store']> {
  if (kind === 'sqlite') return 'sqlite';
  const run = await pgRunDatabase();
  const schema = `s${++schemaCount}_${randomBytes(3).toString('hex')}`;
  await withClient(run.runUrl, (c) => c.query(`CREATE SCHEMA ${schema}`));
  const u = new URL(run.runUrl);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return { postgresUrl: u.toString() };
}

/** Drops this run's PostgreSQL database (call from the test file's `after`). */
export async function dropRunDatabase(): Promise<void> {
  if (!pgRun) return;
  const run = await pgRun;
  pgRun = undefined;
  // FORCE cannot end a backend of another role on it: an autovacuum worker busy on the run's tables
  // after a heavy test (seen in CI: 42501). It ends by itself; a run database still there after a
  // few tries is left to the next run's sweep of leftovers rather than failing the tests.
  for (let attempt = 1; ; attempt++) {
    try {
      await withClient(run.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${run.dbName} WITH (FORCE)`));
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '42501') throw err;
      if (attempt === 10) {
        console.warn(`test database ${run.dbName} left for the next run's sweep: ${(err as Error).message}`);
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

async function answer<T>(r: Response): Promise<HttpAnswer<T>> {
  const text = await r.text();
  let body: unknown = text;
  if ((r.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
  return { status: r.status, body: body as T, headers: r.headers };
}

export interface StationClient {
  deviceId: string;
  credential: string;
  stationId: string;
  authorization: string;
  get<T = unknown>(path: string): Promise<HttpAnswer<T>>;
  put<T = unknown>(path: string, body: unknown): Promise<HttpAnswer<T>>;
  /** Uploads a photo with tus-js-client (Buffer input), metadata from its hash. */
  upload(bytes: Buffer, meta: { orderId: string; role: 'original' | 'finished'; sha256?: string }, opts?: Partial<tus.UploadOptions>): Promise<{ url: string | null }>;
}

export interface TestServer {
  kind: StoreKind;
  dataDir: string;
  store: StartServerOptions['store'];
  running: RunningServer;
  url: string;
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<HttpAnswer<T>>;
  /** Enrols a station for these tasks (default: every task the server has now). */
  enrol(stationId: string, stationName?: string, opts?: { tasks?: string[] }): Promise<StationClient>;
  /** Stops and starts the server again on the same data folder, store and port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Bytes standing in for a photo: random, so every one has its own hash. */
export function fakePhoto(size: number): Buffer {
  return randomBytes(size);
}

export function tusUpload(url: string, authorization: string, bytes: Buffer, meta: Record<string, string>, opts: Partial<tus.UploadOptions> = {}): Promise<{ url: string | null }> {
  return new Promise((resolveUpload, reject) => {
    const upload = new tus.Upload(bytes, {
      endpoint: url + PATHS.uploads,
      headers: { Authorization: authorization },
      metadata: meta,
      retryDelays: [],
      ...opts,
      onSuccess: () => resolveUpload({ url: upload.url }),
      onError: (err) => reject(err),
    });
    upload.start();
  });
}

export function stationClient(url: string, enrolled: EnrolResponse, stationId: string): StationClient {
  const authorization = `Bearer ${enrolled.deviceId}.${enrolled.credential}`;
  return {
    deviceId: enrolled.deviceId,
    credential: enrolled.credential,
    stationId,
    authorization,
    get: async (path) => answer(await fetch(url + path, { headers: { Authorization: authorization } })),
    put: async (path, body) =>
      answer(await fetch(url + path, { method: 'PUT', headers: { Authorization: authorization, 'Content-Type': 'application/json' }, body: JSON.stringify(body) })),
    upload: (bytes, meta, opts) => tusUpload(url, authorization, bytes, { sha256: meta.sha256 ?? sha256(bytes), orderId: meta.orderId, role: meta.role }, opts),
  };
}

/** Starts a server on a fresh temp folder and a fresh store of this kind. */
export async function startTestServer(kind: StoreKind, opts: Partial<Omit<StartServerOptions, 'dataDir' | 'port' | 'store'>> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), `cc-server-${kind}-`));
  const store = await freshStore(kind);
  const start = (port = 0) => startServer({ dataDir, port, host: '127.0.0.1', store, ...opts });
  let running: RunningServer;
  try {
    running = await start();
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const t: TestServer = {
    kind,
    dataDir,
    store,
    get running() {
      return running;
    },
    get url() {
      return running.url;
    },
    admin: async (method, path, body) =>
      answer(
        await fetch(running.url + path, {
          method,
          headers: { Authorization: `Bearer ${running.adminToken}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        }),
      ),
    async enrol(stationId, stationName = `采集站 ${stationId}`, opts = {}) {
      const tasks = opts.tasks ?? (await t.admin<{ tasks: { code: string }[] }>('GET', '/v1/admin/tasks')).body.tasks.map((x) => x.code);
      const code = await t.admin<{ code: string }>('POST', '/v1/admin/enrol-codes', { tasks });
      if (code.status !== 201) throw new Error(`enrol code: ${code.status} ${JSON.stringify(code.body)}`);
      const r = await answer<EnrolResponse>(
        await fetch(running.url + PATHS.enrol, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: code.body.code, stationId, stationName }) }),
      );
      if (r.status !== 201) throw new Error(`enrol failed: ${r.status} ${JSON.stringify(r.body)}`);
      return stationClient(running.url, r.body, stationId);
    },
    async restart() {
      // Same port, so upload URLs a client holds stay valid across the restart.
      const port = Number(new URL(running.url).port);
      await running.close();
      running = await start(port);
    },
    async close() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** A small task with a few students, made through the admin API. */
export async function seedTask(s: TestServer, code = 'T2026', students = 3): Promise<{ code: string; studentIds: string[]; slotId: string; date: string }> {
  const date = '2026-06-01';
  const slotId = `${date}-0900`;
  const t = await s.admin('PUT', `/v1/admin/tasks/${code}`, {
    name: '测试任务',
    schoolName: '测试大学',
    schoolCode: '10001',
    site: '体育馆',
    sessionDates: [date, '2026-06-02'],
    slots: [
      { id: slotId, date, start: '09:00', end: '09:30' },
      { id: '2026-06-02-0900', date: '2026-06-02', start: '09:00', end: '09:30' },
    ],
    priceCents: 2500,
  });
  if (t.status !== 201 && t.status !== 200) throw new Error(`task: ${t.status} ${JSON.stringify(t.body)}`);
  const rows = Array.from({ length: students }, (_, i) => ({ name: `学生${i + 1}`, gender: i % 2 ? '女' : '男', studentNo: `2022${String(i + 1).padStart(4, '0')}` }));
  const imp = await s.admin<{ students: { id: string }[] }>('POST', `/v1/admin/tasks/${code}/students`, rows);
  if (imp.status !== 200) throw new Error(`import: ${imp.status} ${JSON.stringify(imp.body)}`);
  return { code, studentIds: imp.body.students.map((x) => x.id), slotId, date };
}

/** An order as a station would send it. */
export function orderUpload(station: StationClient, o: { id: string; taskCode: string; studentId: string; revision?: number; status?: OrderUpload['status']; capturedAt?: string | null; photos?: OrderUpload['photos']; reservationId?: string | null }): OrderUpload {
  return {
    id: o.id,
    revision: o.revision ?? 1,
    taskCode: o.taskCode,
    studentId: o.studentId,
    reservationId: o.reservationId ?? null,
    stationId: station.stationId,
    stationName: `采集站 ${station.stationId}`,
    operator: { id: 'op-1', name: '摄影师 01' },
    status: o.status ?? '已采集',
    checkedInAt: '2026-06-01T01:00:00.000Z',
    capturedAt: o.capturedAt === undefined ? '2026-06-01T01:05:00.000Z' : o.capturedAt,
    photos: o.photos ?? [],
    checks: { status: 'pass', failed: [], overrides: [], verdict: { checks: [] } },
    faceMatch: { score: 0.82, decision: 'match', overrideReason: null },
    walkin: null,
    receiptToken: null,
    voidReason: null,
    withdrawal: null,
  };
}

/** Photo refs plus bytes for an order: an original and a finished photo. */
export function photoPair(originalSize = 200_000, finishedSize = 30_000): { refs: OrderUpload['photos']; files: { bytes: Buffer; role: 'original' | 'finished' }[] } {
  const original = fakePhoto(originalSize);
  const finished = fakePhoto(finishedSize);
  return {
    refs: [
      { sha256: sha256(original), bytes: original.length, role: 'original' },
      { sha256: sha256(finished), bytes: finished.length, role: 'finished' },
    ],
    files: [
      { bytes: original, role: 'original' },
      { bytes: finished, role: 'finished' },
    ],
  };
}
