import { BrowserWindow, session as electronSession, type Session } from 'electron';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CupsJobState, JobAttributes, PrinterAttributes } from '../../printing/cups.js';
import { imagePagesHtml, readImagePdf } from '../../printing/imagePdf.js';
import type { PrintBackend } from '../../printing/printBackend.js';

/**
 * The print queue's backend where there is no CUPS (Windows): Chromium's own printing.
 * `webContents.print({ silent, deviceName })` in a hidden window that shows the queue's document
 * (its JPEG pages laid on pages of the paper's exact size, margins none), printers from
 * `getPrintersAsync()`. Chromium answers once the job is spooled and names no job, so the job
 * ids here are this process's own: a job is 'completed' when the spooler took it, 'aborted' with
 * Chromium's reason when not. After a restart those ids are unknown and the queue says so (the
 * operator checks the print and retries) — CUPS can look a job up by title; this cannot.
 * Not run on this project's machines (no Electron binary there); the queue's contract is tested
 * against CUPS through the same PrintBackend interface.
 */
export function createElectronPrintBackend(spoolDir: string): PrintBackend {
  mkdirSync(spoolDir, { recursive: true, mode: 0o700 });
  const spoolUrl = pathToFileURL(spoolDir).href + '/';
  let printSession: Session | null = null;
  const jobs = new Map<number, { printer: string; title: string; state: CupsJobState; message: string | null }>();
  let nextId = 1;

  // Its own in-memory session: the print window may load its spool file and inline images, nothing else.
  const sessionForPrinting = (): Session => {
    if (printSession) return printSession;
    printSession = electronSession.fromPartition('campus-capture-print', { cache: false });
    printSession.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !(details.url.startsWith(spoolUrl) || details.url.startsWith('data:')) }));
    printSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    printSession.setPermissionCheckHandler(() => false);
    return printSession;
  };

  const hiddenWindow = () => {
    const win = new BrowserWindow({
      show: false,
      webPreferences: { session: sessionForPrinting(), sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, spellcheck: false },
    });
    // It only ever shows our spool page: no new windows, no navigation after the first load.
    win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    win.webContents.on('will-navigate', (e) => e.preventDefault());
    return win;
  };

  const printers = async () => {
    const win = hiddenWindow();
    try {
      return await win.webContents.getPrintersAsync();
    } finally {
      win.destroy();
    }
  };

  const attributes = async (name: string): Promise<PrinterAttributes | null> => {
    const p = (await printers()).find((x) => x.name === name);
    if (!p) return null;
    return {
      name: p.name,
      // Chromium reports no live state: a printer it lists is taken to be ready.
      state: 'idle',
      reasons: [],
      message: null,
      accepting: true,
      info: p.displayName || p.description || null,
      location: (p.options as unknown as Record<string, string | undefined> | undefined)?.['printer-location'] ?? null,
      // No media list: every paper is offered, the driver fits the page.
      media: [],
    };
  };

  return {
    kind: 'electron',
    async listPrinterNames() {
      const list = await printers();
      return { names: list.map((p) => p.name), defaultName: null };
    },
    printerAttributes: attributes,
    async printerOptions() {
      return { pageSizes: [], customSize: true, trays: [] };
    },
    async submitJob(o) {
      if (!(await attributes(o.printer))) return { ok: false, kind: 'no-printer', detail: `no printer named ${o.printer}` };
      const pages = readImagePdf(readFileSync(o.file));
      const id = nextId++;
      const html = join(spoolDir, `job-${id}.html`);
      writeFileSync(html, imagePagesHtml(pages), { mode: 0o600 });
      const win = hiddenWindow();
      try {
        await win.loadURL(pathToFileURL(html).href);
        const first = pages[0]!;
        const result = await new Promise<{ ok: boolean; reason: string }>((resolve) => {
          win.webContents.print(
            {
              silent: true,
              deviceName: o.printer,
              copies: o.copies,
              printBackground: true,
              margins: { marginType: 'none' },
              // Microns; the document's own paper, unscaled.
              pageSize: { width: Math.round(first.widthMm * 1000), height: Math.round(first.heightMm * 1000) },
              scaleFactor: 100,
            },
            (ok, reason) => resolve({ ok, reason }),
          );
        });
        jobs.set(id, { printer: o.printer, title: o.title, state: result.ok ? 'completed' : 'aborted', message: result.ok ? null : result.reason });
        if (!result.ok) return { ok: false, kind: 'other', detail: result.reason || 'the print was refused' };
        return { ok: true, cupsJobId: id };
      } finally {
        win.destroy();
        rmSync(html, { force: true });
      }
    },
    async jobAttributes(printer, jobId): Promise<JobAttributes | null> {
      const j = jobs.get(jobId);
      if (!j || j.printer !== printer) return null;
      return { id: jobId, name: j.title, state: j.state, reasons: [], message: j.message };
    },
    async findJobsByTitle(printer, title) {
      if (!(await attributes(printer))) return null;
      return [...jobs.entries()].filter(([, j]) => j.printer === printer && j.title === title).map(([id, j]) => ({ id, state: j.state }));
    },
    async cancelJob() {
      // Spooled is out of Chromium's hands: nothing to cancel from here.
      return false;
    },
  };
}
