import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createAppContext } from '../app/createAppContext.js';
import { writeDemoCodes } from '../demo/demoCodes.js';
import { defaultDataDir } from '../app/dataDir.js';
import { electronBinary } from '../app/electronBinary.js';
import { openKioskWindow } from '../app/openKioskWindow.js';
import { packageRoot } from '../app/packageRoot.js';
import { acquireStationLock } from '../app/stationLock.js';
import { startServerBesideKiosk } from '../app/embeddedServer.js';
import { createHandlers } from '../rpc/handlers.js';
import { createRouter } from '../rpc/router.js';
import { startWebShell, type WebShell } from '../web/webShell.js';
import { AppError } from '../../shared/errors.js';

export interface StartOptions {
  dataDir?: string;
  port: number;
  demo: boolean;
  /** Students in the station's demo task when it is seeded (default 300). */
  demoStudents?: number;
  open: boolean;
  electron: boolean;
  /** Start the central server beside the kiosk (embedded default) on this port; null = don't. */
  serverPort: number | null;
}

/** `campus-capture start`: the Electron window where Electron's binary exists, else the same
 * services behind the loopback web shell, opened in Chromium's app mode when there is a display. */
export async function startCommand(opts: StartOptions): Promise<void> {
  const root = packageRoot();
  const electronMain = join(root, 'dist', 'electron', 'src', 'main', 'app', 'electron', 'main.js');
  const electron = opts.electron ? electronBinary() : undefined;
  if (electron && existsSync(electronMain)) {
    const child = spawn(electron, [electronMain], { stdio: 'inherit', env: { ...process.env, CAMPUS_CAPTURE_DATA: opts.dataDir ?? defaultDataDir(), CAMPUS_CAPTURE_SERVER_PORT: opts.serverPort === null ? '' : String(opts.serverPort) } });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }

  const dataDir = opts.dataDir ?? defaultDataDir();
  const rendererDir = join(root, 'dist', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    process.stderr.write('界面尚未构建，请先运行 npm run build / The UI is not built yet: run npm run build\n');
    process.exit(1);
  }
  const releaseLock = acquireStationLock(dataDir);
  const ctx = await createAppContext({ dataDir, demo: opts.demo, ...(opts.demoStudents ? { demoStudents: opts.demoStudents } : {}) }).catch((err: unknown) => {
    releaseLock();
    throw err;
  });
  let shell: WebShell;
  try {
    shell = await startWebShell({
      port: opts.port,
      rendererDir,
      dispatch: createRouter(createHandlers(ctx, 'websocket')),
      subscribe: ctx.subscribe,
    });
  } catch (err) {
    await ctx.close();
    releaseLock();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new AppError('PORT_IN_USE', {
        zh: `端口 ${opts.port} 已被占用（可能已有一个采集站在运行）。请关闭它，或用 --port 0 选择任意空闲端口`,
        en: `Port ${opts.port} is in use (perhaps a kiosk is already running). Stop it, or pass --port 0 for any free port`,
      });
    }
    throw err;
  }
  const demoCodes = ctx.demo ? await writeDemoCodes(ctx).catch(() => null) : null;
  const server = opts.serverPort === null ? null : await startServerBesideKiosk(ctx.sync, dataDir, opts.serverPort, opts.demo);
  process.stdout.write(
    [
      'Campus Capture 采集站已启动 / kiosk started (web shell; Electron not available here)',
      `  打开 / open: ${shell.launchUrl}`,
      `  数据目录 / data: ${dataDir}`,
      ctx.demo ? '  演示 PIN / demo PINs: 摄影师 photographer 1234 · 站点负责人 site manager 9999' : '',
      demoCodes ? `  演示二维码 / demo QR codes: ${demoCodes}` : '',
      server ? `  中心服务器 / central server: ${server.url}  审核页面 / review page: ${new URL('/review', server.url).toString()}` : '',
      server ? `  审核登录令牌 / reviewer token: ${join(dataDir, 'server', 'admin-token')}` : '',
      '  Ctrl+C 退出 / to stop',
      '',
    ]
      .filter(Boolean)
      .join('\n') + '\n',
  );
  const window = opts.open ? openKioskWindow(shell.launchUrl, dataDir) : undefined;
  const stop = async () => {
    window?.kill();
    await shell.close();
    await server?.stop();
    await ctx.close();
    releaseLock();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
