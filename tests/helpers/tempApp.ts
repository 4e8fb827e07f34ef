import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppContext } from '../../src/main/app/createAppContext.js';
import { createHandlers } from '../../src/main/rpc/handlers.js';
import { createRouter } from '../../src/main/rpc/router.js';
import type { Session } from '../../src/main/services/AppContext.js';
import type { EngineTuning } from '../../src/main/sync/stationSync.js';
import type { InputOf, OutputOf, ProcedureName } from '../../src/shared/rpc/contract.js';
import type { RpcResult } from '../../src/shared/rpc/wire.js';

export function tempDir(prefix = 'cc-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A real station in a temp folder: real SQLite file, real key file, the real router. */
export async function tempApp(opts: { demo?: boolean; now?: () => Date; dataDir?: string; syncTuning?: EngineTuning } = {}) {
  const tmp = opts.dataDir ? { dir: opts.dataDir, cleanup: () => undefined } : tempDir();
  const ctx = await createAppContext({
    dataDir: tmp.dir,
    demo: opts.demo ?? true,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.syncTuning ? { syncTuning: opts.syncTuning } : {}),
  });
  const dispatch = createRouter(createHandlers(ctx, 'websocket'));
  const newSession = (): Session => ({ operator: null, transport: 'websocket' });
  async function call<N extends ProcedureName>(session: Session, name: N, input: InputOf<N>): Promise<OutputOf<N>> {
    const r = await dispatch(name, input, session);
    if (!r.ok) throw Object.assign(new Error(`${r.error.code}: ${r.error.en}`), { payload: r.error });
    return r.value as OutputOf<N>;
  }
  async function loggedIn(pin = '1234'): Promise<Session> {
    const s = newSession();
    await call(s, 'auth.login', { pin });
    return s;
  }
  return {
    ctx,
    dir: tmp.dir,
    dispatch,
    newSession,
    call,
    loggedIn,
    raw: (name: string, input: unknown, session: Session): Promise<RpcResult> => dispatch(name, input, session),
    async close() {
      await ctx.close();
      tmp.cleanup();
    },
  };
}
