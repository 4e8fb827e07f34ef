import { startServer, type RunningServer } from '../../server/startServer.js';
import { DEMO_TASK_CODE } from '../../src/shared/demo/demoTask.js';
import type { EngineTuning } from '../../src/main/sync/stationSync.js';
import { tempApp, tempDir } from './tempApp.js';

/** Short waits so tests converge in seconds; the logic is the production one. */
export const FAST_SYNC: EngineTuning = { backoff: { baseMs: 50, capMs: 1000 }, pullIntervalMs: 300, requestTimeoutMs: 5000, uploadIdleTimeoutMs: 3000 };

export async function demoServer(opts: { port?: number; dataDir?: string } = {}): Promise<RunningServer & { dataDir: string; cleanup(): void }> {
  const tmp = opts.dataDir ? { dir: opts.dataDir, cleanup: () => undefined } : tempDir('cc-server-');
  const server = await startServer({ dataDir: tmp.dir, port: opts.port ?? 0, store: 'sqlite', demo: true, log: () => undefined });
  return { ...server, dataDir: tmp.dir, cleanup: tmp.cleanup };
}

/** The server's admin JSON API, as the review page and an operator's script use it. */
export function adminApi(server: { url: string; adminToken: string }) {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(new URL(`/v1/admin${path}`, server.url), {
      method,
      headers: { authorization: `Bearer ${server.adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    call,
    enrolCode: (tasks: string[] = [DEMO_TASK_CODE]) => call<{ code: string }>('POST', '/enrol-codes', { tasks }).then((r) => r.code),
    orders: (query = '') => call<{ orders: ServerOrder[] }>('GET', `/orders${query}`).then((r) => r.orders),
    order: (id: string) => call<ServerOrder>('GET', `/orders/${encodeURIComponent(id)}`),
    decide: (id: string, decision: 'approve' | 'reject' | 'complete' | 'void', reason?: string) => call<unknown>('POST', `/orders/${encodeURIComponent(id)}/decision`, { decision, reason: reason ?? null }),
  };
}

export interface ServerOrder {
  id: string;
  revision: number;
  studentId: string;
  stationId: string;
  status: string;
  reason: string | null;
  current: boolean;
  conflict: boolean;
  photos: { sha256: string; role: string; bytes: number; held: boolean }[];
}

export async function syncedStation(server: { url: string }, code: string, opts: { dataDir?: string } = {}) {
  const app = await tempApp({ demo: true, syncTuning: FAST_SYNC, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) });
  await app.ctx.sync.enrol(server.url, code, null);
  return app;
}

/** Polls until `check` holds (or throws its last complaint after `timeoutMs`): sync is asynchronous. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${String((last as Error)?.message ?? last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
