import { BrowserWindow, screen, type WebContents } from 'electron';
import type { EventName } from '../../../shared/rpc/contract.js';
import { STUDENT_DISPLAY_EVENTS } from '../../../shared/studentView.js';

/**
 * The student's screen in the Electron shell (issue 15): the same renderer with #view=student,
 * full screen on the second display when there is one (a station's monitor turned to the student);
 * with one display there is none, and the web shell's "open the student screen" is the way.
 */
export function openStudentWindow(opts: { rendererUrl: string; preload: string }): BrowserWindow | null {
  const primary = screen.getPrimaryDisplay();
  const second = screen.getAllDisplays().find((d) => d.id !== primary.id);
  if (!second) return null;
  const url = `${opts.rendererUrl}#view=student`;
  const win = new BrowserWindow({
    ...second.bounds,
    fullscreen: true,
    frame: false,
    backgroundColor: '#0b0b0f',
    title: '学生屏幕 Student screen',
    webPreferences: { preload: opts.preload, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false },
  });
  win.webContents.on('will-navigate', (e, to) => {
    if (to !== url) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('render-process-gone', (_e, details) => {
    if (details.reason !== 'clean-exit') void win.loadURL(url);
  });
  void win.loadURL(url);
  return win;
}

/** The student's window hears what it shows and nothing else (no orders, no sync, no names). */
export function eventAllowed(wc: WebContents, student: BrowserWindow | null, name: EventName): boolean {
  return student === null || student.isDestroyed() || wc !== student.webContents || STUDENT_DISPLAY_EVENTS.includes(name);
}
