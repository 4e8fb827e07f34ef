import { app, BrowserWindow, ipcMain, Menu, protocol, session as electronSession, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../../shared/rpc/wire.js';
import { createHandlers } from '../../rpc/handlers.js';
import { createRouter } from '../../rpc/router.js';
import type { Session } from '../../services/AppContext.js';
import { createAppContext } from '../createAppContext.js';
import { defaultDataDir } from '../dataDir.js';
import { installGlobalErrorHandlers } from '../globalErrors.js';
import { packageRoot } from '../packageRoot.js';
import { acquireStationLock } from '../stationLock.js';
import { startServerBesideKiosk } from '../embeddedServer.js';
import { eventAllowed, openStudentWindow } from './studentWindow.js';
import { createLogger } from '../../log/logger.js';
import { ActivityTracker } from '../stationActivity.js';
import { lockDownContents, lockDownPermissions } from './lockdown.js';
import { startUpdater, type StationUpdater } from './updater.js';
import { cupsAvailable, selectPrintBackend } from '../../printing/printBackend.js';
import { createElectronPrintBackend } from './electronPrint.js';
import { MEDIA_ELECTRON_ORIGIN, MEDIA_SCHEME } from '../../../shared/stillMedia.js';
import { dropMediaSession, handleMediaFetch } from '../../web/stillMedia.js';

/**
 * The Electron shell: one window, the same router as the web shell, carried over IPC. It stays
 * thin on purpose; everything it serves lives in src/main and is tested through the web shell.
 */
installGlobalErrorHandlers();
const root = packageRoot();
const rendererIndex = join(root, 'dist', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;
const rendererDirUrl = pathToFileURL(join(root, 'dist', 'renderer')).href + '/';

app.enableSandbox();
// Stills by URL (issue 18): the same handler as the web shell's /media/ routes, on a scheme of our own
// that fetch() may use (it must be registered before the app is ready).
protocol.registerSchemesAsPrivileged([{ scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } }]);
const log = createLogger('shell');
// One station per machine: a second launch (a double-click on the shortcut) focuses the first.
const firstInstance = app.requestSingleInstanceLock();
if (!firstInstance) app.quit();
// No application menu: its accelerators (reload, zoom, DevTools) are not for a kiosk.
Menu.setApplicationMenu(null);
// `--kiosk` or CAMPUS_CAPTURE_KIOSK=1: the photographer's display becomes the kiosk, full screen, no frame.
const kioskMode = process.argv.includes('--kiosk') || process.env.CAMPUS_CAPTURE_KIOSK === '1';

async function boot(): Promise<void> {
  await app.whenReady();
  const dataDir = process.env.CAMPUS_CAPTURE_DATA ?? defaultDataDir();
  const releaseLock = acquireStationLock(dataDir);
  // Printing: CUPS where it answers (Linux, macOS), Chromium's own printing where it does not (Windows).
  if (!(await cupsAvailable())) {
    selectPrintBackend(createElectronPrintBackend(join(dataDir, 'print-spool')));
    log.info('print backend: electron (no CUPS here)');
  }
  // An installed station works for a real site: no demo task and no server of its own unless asked
  // (CAMPUS_CAPTURE_DEMO=1, CAMPUS_CAPTURE_SERVER_PORT=4790); a development run keeps both.
  const demo = process.env.CAMPUS_CAPTURE_DEMO !== undefined ? process.env.CAMPUS_CAPTURE_DEMO !== '0' : !app.isPackaged;
  const ctx = await createAppContext({ dataDir, demo });
  const dispatch = createRouter(createHandlers(ctx, 'electron'));
  // The same central server beside the kiosk as the web shell starts (`campus-capture start` passes
  // its --server-port / --no-server choice down; empty means none).
  const serverPort = process.env.CAMPUS_CAPTURE_SERVER_PORT ?? (app.isPackaged ? '' : '4790');
  const server = serverPort === '' ? null : await startServerBesideKiosk(ctx.sync, dataDir, Number(serverPort), demo);
  const sessions = new Map<number, Session>();
  const contents = new Set<WebContents>();
  const activity = new ActivityTracker(ctx.now());

  // Nothing leaves the machine from the renderer: only our own files (and devtools) load.
  electronSession.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    const ok = details.url.startsWith(rendererDirUrl) || details.url.startsWith(`${MEDIA_ELECTRON_ORIGIN}/`) || details.url.startsWith('devtools://') || details.url.startsWith('blob:') || details.url.startsWith('data:');
    callback({ cancel: !ok });
  });
  lockDownPermissions(electronSession.defaultSession, rendererDirUrl);
  electronSession.defaultSession.protocol.handle(MEDIA_SCHEME, handleMediaFetch);

  ipcMain.handle(IPC_CALL_CHANNEL, async (event: IpcMainInvokeEvent, name: unknown, input: unknown) => {
    // Only our own page may call in; a frame navigated elsewhere (it cannot, but still) gets nothing.
    if (!event.senderFrame || !event.senderFrame.url.startsWith(rendererDirUrl)) {
      return { ok: false, error: { code: 'FORBIDDEN', zh: '来源不受信任', en: 'Untrusted sender' } };
    }
    let s = sessions.get(event.sender.id);
    if (!s) sessions.set(event.sender.id, (s = { operator: null, transport: 'electron' }));
    activity.onCall(typeof name === 'string' ? name : '', input, ctx.now());
    return dispatch(typeof name === 'string' ? name : '', input, s);
  });
  let student: BrowserWindow | null = null;
  ctx.subscribe((name, payload) => {
    activity.onEvent(name);
    for (const wc of contents) if (!wc.isDestroyed() && eventAllowed(wc, student, name)) wc.send(IPC_EVENT_CHANNEL, name, payload);
  });

  const win = new BrowserWindow({
    width: 1600,
    height: 1000,
    backgroundColor: '#0f172a',
    title: 'Campus Capture 采集站',
    kiosk: kioskMode,
    fullscreen: kioskMode,
    autoHideMenuBar: true,
    webPreferences: {
      devTools: !app.isPackaged,
      preload: join(root, 'dist', 'electron', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  contents.add(win.webContents);
  lockDownContents(win.webContents, rendererUrl, { allowDevTools: !app.isPackaged });
  // A crashed page is logged and reloaded; the operator's session (keyed by the webContents, which
  // survives the reload) stays logged in, so the photographer carries on where they were.
  win.webContents.on('render-process-gone', (_e, details) => {
    log.error('renderer gone; reloading', { reason: details.reason, exitCode: details.exitCode });
    if (details.reason !== 'clean-exit') void win.loadURL(rendererUrl);
  });
  win.webContents.on('unresponsive', () => log.warn('renderer unresponsive'));
  win.webContents.on('responsive', () => log.info('renderer responsive again'));
  // GPU, network or utility processes (Chromium restarts them itself): kept on record.
  app.on('child-process-gone', (_e, details) => log.error('child process gone', { type: details.type, reason: details.reason, exitCode: details.exitCode, name: details.name ?? null }));
  app.on('second-instance', () => {
    if (win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  const winId = win.webContents.id;
  win.on('closed', () => {
    const s = sessions.get(winId);
    if (s) dropMediaSession(s);
    sessions.delete(winId);
    contents.delete(win.webContents);
  });
  // The student's screen on a second display (issue 15); it closes with the photographer's window.
  student = openStudentWindow({ rendererUrl, preload: join(root, 'dist', 'electron', 'preload.cjs') });
  if (student) {
    const studentContents = student.webContents;
    const studentId = studentContents.id;
    lockDownContents(studentContents, `${rendererUrl}#view=student`, { allowDevTools: !app.isPackaged });
    studentContents.on('render-process-gone', (_e, details) => log.error('student screen gone; reloading', { reason: details.reason, exitCode: details.exitCode }));
    contents.add(studentContents);
    student.on('closed', () => {
      sessions.delete(studentId);
      contents.delete(studentContents);
    });
    win.on('closed', () => {
      if (student && !student.isDestroyed()) student.close();
    });
  }
  await win.loadURL(rendererUrl);
  const shutdown = async () => {
    updater?.stop();
    await Promise.all([ctx.close(), server?.stop()]);
    releaseLock();
  };
  // Updates come from the enrolled central server, and only to an installed app.
  const updater: StationUpdater | null = app.isPackaged ? startUpdater(ctx, activity, shutdown) : null;
  // The manager screen's 应用版本 panel reads it, and 安装更新 drives it (updates.status / updates.install).
  if (updater) ctx.updates.register(updater);
  app.on('window-all-closed', () => {
    void shutdown().finally(() => app.quit());
  });
}

if (firstInstance) void boot();
