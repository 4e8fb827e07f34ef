import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createAppContext } from '../app/createAppContext.js';
import { defaultDataDir } from '../app/dataDir.js';
import { electronBinary } from '../app/electronBinary.js';
import { openKioskWindow } from '../app/openKioskWindow.js';
import { packageRoot } from '../app/packageRoot.js';
import { createHandlers } from '../rpc/handlers.js';
import { createRouter } from '../rpc/router.js';
import { startWebShell } from '../web/webShell.js';

export interface StartOptions {
  dataDir?: string;
  port: number;
  demo: boolean;
  open: boolean;
  electron: boolean;
}

/** `campus-capture start`: the Electron window where Electron's binary exists, else the same
 * services behind the loopback web shell, opened in Chromium's app mode when there is a display. */
export async function startCommand(opts: StartOptions): Promise<void> {
  const root = packageRoot();
  const electronMain = join(root, 'dist', 'electron', 'src', 'main', 'app', 'electron', 'main.js');
  const electron = opts.electron ? electronBinary() : undefined;
  if (electron && existsSync(electronMain)) {
    const child = spawn(electron, [electronMain], { stdio: 'inherit', env: { ...process.env, CAMPUS_CAPTURE_DATA: opts.dataDir ?? defaultDataDir() } });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }

  const dataDir = opts.dataDir ?? defaultDataDir();
  const rendererDir = join(root, 'dist', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    process.stderr.write('界面尚未构建，请先运行 npm run build / The UI is not built yet: run npm run build\n');
    process.exit(1);
  }
  const ctx = await createAppContext({ dataDir, demo: opts.demo });
  const shell = await startWebShell({
    port: opts.port,
    rendererDir,
    dispatch: createRouter(createHandlers(ctx, 'websocket')),
    subscribe: ctx.subscribe,
  });
  process.stdout.write(
    [
      'Campus Capture 采集站已启动 / kiosk started (web shell; Electron not available here)',
      `  打开 / open: ${shell.launchUrl}`,
      `  数据目录 / data: ${dataDir}`,
      ctx.demo ? '  演示 PIN / demo PINs: 摄影师 photographer 1234 · 站点负责人 site manager 9999' : '',
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
    ctx.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
