import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { packageRoot } from './packageRoot.js';
import type { StationSync } from '../sync/stationSync.js';

const Listening = z.object({ event: z.literal('listening'), url: z.string().url(), enrolCode: z.string().optional() });

export interface EmbeddedServer {
  url: string;
  enrolCode: string | null;
  pid: number;
  /** Resolves when the process has gone, however it went (stop(), a crash, a kill). */
  exited: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The central server as a child process of `npm start`, so one command gives a whole working system
 * (a kiosk that syncs, a review page). A separate process rather than a module: the server is its
 * own program (server/), and a crash or restart of one must not take the other down.
 */
export function startEmbeddedServer(opts: { dataDir: string; port: number; demo: boolean; timeoutMs?: number }): Promise<EmbeddedServer> {
  const bin = join(packageRoot(), 'bin', 'campus-capture.js');
  const args = [bin, 'server', '--data', opts.dataDir, '--port', String(opts.port), '--with-parent', ...(opts.demo ? ['--demo'] : [])];
  // stdin stays open as a lifeline: the server stops when this process is gone (see --with-parent).
  // Inside Electron, process.execPath is Electron itself: run it as plain Node for the server.
  const env = process.versions.electron ? { ...process.env, ELECTRON_RUN_AS_NODE: '1' } : process.env;
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  return new Promise<EmbeddedServer>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`中心服务器未能启动 / the central server did not start in time\n${stderr}`)), opts.timeoutMs ?? 30_000);
    const lines = createInterface({ input: child.stdout! });
    function fail(err: Error) {
      clearTimeout(timer);
      lines.close();
      child.kill('SIGTERM');
      reject(err);
    }
    child.once('exit', (code) => fail(new Error(`中心服务器已退出（${code}）/ the central server exited (${code})\n${stderr.trim()}`)));
    lines.on('line', (line) => {
      let parsed: z.infer<typeof Listening>;
      try {
        parsed = Listening.parse(JSON.parse(line));
      } catch {
        return; // not the line we wait for
      }
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const exited = new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) done();
        else child.once('exit', () => done());
      });
      resolve({ url: parsed.url, enrolCode: parsed.enrolCode ?? null, pid: child.pid!, exited, stop: () => stopChild(child) });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * The embedded central server beside a kiosk (web shell or Electron), and the station enrolled with
 * it on first start. A kiosk whose server cannot start still works (offline-first) and says why.
 */
export async function startServerBesideKiosk(sync: StationSync, kioskDataDir: string, port: number, demo: boolean): Promise<EmbeddedServer | null> {
  try {
    const server = await startEmbeddedServer({ dataDir: join(kioskDataDir, 'server'), port, demo });
    if (!sync.isEnrolled() && server.enrolCode) await sync.enrol(server.url, server.enrolCode, null);
    else sync.kick({ pull: true });
    return server;
  } catch (err) {
    process.stderr.write(`中心服务器未启动，采集站离线工作 / central server not started; the kiosk works offline: ${(err as Error).message}\n`);
    return null;
  }
}
