import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Operator } from '../../shared/domain/entities.js';
import { AppError } from '../../shared/errors.js';
import { printerTakesPaper } from '../../shared/print/mediaMatch.js';
import { describePrinterReasons } from '../../shared/print/printerReasons.js';
import { OrderPrints, type OrderPrintRequest, type PrintBackground, type PrintCatalog } from '../../shared/print/printSchema.js';
import type { Bilingual, PrinterInfo, PrinterProblem, PrintJob, PrintJobKind, PrintOptions } from '../../shared/print/printTypes.js';
import { writeAudit } from '../db/queries/audit.js';
import { getOrderPrints, setOrderPrints } from '../db/queries/printJobs.js';
import {
  getPrintJob,
  insertPrintJob,
  listActivePrintJobs,
  listPrintJobsForOrder,
  listRecentPrintJobs,
  markPrintCancelled,
  markPrintDone,
  markPrintFailed,
  markSubmitStarted,
  markSubmitted,
  requeuePrintJob,
  setDocument,
  updateCupsProgress,
  type PrintJobRow,
  type PrintJobWithName,
} from '../db/queries/printJobs.js';
import { createLogger } from '../log/logger.js';
import { writeDurably } from '../photos/durableWrite.js';
import type { AppContext } from '../services/AppContext.js';
import { CupsUnavailable, isValidPrinterName, type PrinterAttributes } from './cups.js';
import { currentPrintBackend, type PrintBackend } from './printBackend.js';
import { loadPrintCatalog, printOptions, requireLayout, requirePaper } from './printCatalog.js';
import { receiptDocument, sheetDocument, type SheetDocument, type SheetRequest } from './printDocuments.js';

const log = createLogger('print');

export interface PrintServiceOptions {
  /** The central server the receipt QR points to (the sync server), null when not enrolled. */
  serverUrl: () => string | null;
  /** How often submitted jobs are looked up in CUPS. */
  pollMs?: number;
  /** Tests: runs right after lp returned, before the store records it (a crash there). */
  afterLp?: (jobId: string, cupsJobId: number) => void | Promise<void>;
  /** The print system; default the one the shell selected (CUPS unless it chose another). */
  backend?: PrintBackend;
}

export interface SubmitRequest {
  /** Made by the screen per press of "print": the same request twice is one job. */
  requestId: string;
  orderId: string;
  kind: PrintJobKind;
  layoutId: string | null;
  paperId: string;
  background: PrintBackground | null;
  printer: string;
  tray: string | null;
  copies: number;
}

const PREVIEW_MAX_SIDE = 1600;

/** A print job's id: a digest of the order and the request, so re-sending a request is harmless. */
export function printJobId(orderId: string, requestId: string): string {
  return `pj-${createHash('sha256').update(`${orderId}\n${requestId}`).digest('hex').slice(0, 24)}`;
}

/** The CUPS job title for an attempt: how a hand-over cut short by a crash is found again. */
export function cupsTitle(jobId: string, attempt: number): string {
  return `cc-${jobId}-a${attempt}`;
}

function bilingualJson(zh: string, en: string): string {
  return JSON.stringify({ zh, en } satisfies Bilingual);
}

function cupsUnavailable(detail: string): AppError {
  return new AppError('CONFLICT', {
    zh: '无法连接打印服务（CUPS）：请确认已安装并启动 cups',
    en: 'Cannot reach the print service (CUPS): make sure cups is installed and running',
    details: [detail],
  });
}

export function toPrintJob(row: PrintJobWithName): PrintJob {
  return {
    id: row.id,
    orderId: row.order_id,
    studentName: row.student_name,
    kind: row.kind,
    layoutId: row.layout_id,
    paperId: row.paper_id,
    background: row.background,
    printer: row.printer,
    tray: row.tray,
    copies: row.copies,
    state: row.state,
    attempt: row.attempt,
    cupsJobId: row.cups_job_id,
    cupsState: row.cups_state,
    problem: row.problem ? (JSON.parse(row.problem) as PrinterProblem) : null,
    error: row.error ? (JSON.parse(row.error) as Bilingual) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The station's print queue: jobs live in the store (print_jobs) before CUPS ever sees them, go to
 * CUPS one at a time, and are followed there until they complete or fail. A job id is derived from
 * the request, so asking twice prints once; `submit_started_at` is written before lp runs and the
 * CUPS job is titled with the job's id and attempt, so after a crash a job caught between the two
 * is looked up in CUPS by its title rather than sent again; a submitted job is followed, never
 * re-sent. One service per station database.
 */
export class PrintService {
  private loaded: PrintCatalog | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private pumping: Promise<void> = Promise.resolve();
  private polling = false;
  private stopped = false;
  private readonly previews = new Map<string, Promise<SheetDocument>>();

  constructor(
    private readonly ctx: AppContext,
    private readonly opts: PrintServiceOptions,
  ) {}

  /** Loaded on first use: a broken site layout file fails the print calls with its name, never the kiosk's start. */
  get catalog(): PrintCatalog {
    this.loaded ??= loadPrintCatalog(this.ctx.dataDir);
    return this.loaded;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.opts.pollMs ?? 1000);
    this.timer.unref();
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Waits for the hand-over under way (tests, shutdown). */
  async idle(): Promise<void> {
    await this.pumping;
  }

  private get backend(): PrintBackend {
    return this.opts.backend ?? currentPrintBackend();
  }

  private get alive(): boolean {
    return !this.stopped && this.ctx.db.open;
  }

  options(): PrintOptions {
    return printOptions(this.catalog);
  }

  // ---- printers ----

  async printers(): Promise<{ printers: PrinterInfo[]; error: Bilingual | null }> {
    try {
      const { names, defaultName } = await this.backend.listPrinterNames();
      const printers: PrinterInfo[] = [];
      for (const name of names) {
        const attrs = await this.backend.printerAttributes(name);
        if (!attrs) continue;
        const opts = await this.backend.printerOptions(name);
        printers.push({
          name,
          description: attrs.info,
          location: attrs.location,
          isDefault: name === defaultName,
          state: attrs.state,
          accepting: attrs.accepting,
          reasons: attrs.reasons,
          problem: printerProblem(attrs),
          papers: this.catalog.papers.filter((p) => printerTakesPaper(attrs.media, p)).map((p) => p.id),
          trays: opts.trays,
        });
      }
      return { printers, error: null };
    } catch (err) {
      if (err instanceof CupsUnavailable) {
        return { printers: [], error: { zh: '无法连接打印服务（CUPS），请确认已安装并启动 cups', en: 'Cannot reach the print service (CUPS): make sure cups is installed and running' } };
      }
      throw err;
    }
  }

  // ---- documents and previews ----

  private sheet(req: SheetRequest): Promise<SheetDocument> {
    const key = JSON.stringify([req.orderId, req.layoutId, req.paperId, req.background]);
    let doc = this.previews.get(key);
    if (!doc) {
      doc = sheetDocument(this.ctx, this.catalog, req);
      this.previews.set(key, doc);
      doc.catch(() => this.previews.delete(key));
      // A few recent sheets: print after preview without rendering again.
      while (this.previews.size > 4) this.previews.delete(this.previews.keys().next().value!);
    }
    return doc;
  }

  async previewSheet(req: SheetRequest) {
    // The photo may have changed (a retake) since a cached preview: render afresh for the screen.
    this.previews.delete(JSON.stringify([req.orderId, req.layoutId, req.paperId, req.background]));
    const doc = await this.sheet(req);
    const jpeg = await sharp(doc.sheet.png).resize(PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE, { fit: 'inside' }).jpeg({ quality: 85 }).toBuffer();
    return {
      jpegBase64: jpeg.toString('base64'),
      widthPx: doc.sheet.widthPx,
      heightPx: doc.sheet.heightPx,
      orientation: doc.plan.orientation,
      photos: doc.plan.placements.length,
      nearBorderless: doc.plan.nearBorderless,
      backgroundReplaced: doc.backgroundReplaced,
      fit: doc.fit,
    };
  }

  async previewReceipt(orderId: string, paperId: string) {
    const doc = await receiptDocument(this.ctx, this.catalog, orderId, paperId, this.opts.serverUrl());
    const png = await sharp(doc.receipt.png).resize(PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE, { fit: 'inside', withoutEnlargement: true }).png().toBuffer();
    return { pngBase64: png.toString('base64'), widthPx: doc.receipt.widthPx, heightPx: doc.receipt.heightPx, url: doc.url };
  }

  // ---- prints asked for on site ----

  orderPrints(orderId: string): OrderPrintRequest[] {
    const parsed = OrderPrints.safeParse(JSON.parse(getOrderPrints(this.ctx.db, orderId) ?? '[]'));
    return parsed.success ? parsed.data : [];
  }

  setOrderPrints(operator: Operator, orderId: string, prints: OrderPrintRequest[]): OrderPrintRequest[] {
    for (const p of prints) requireLayout(this.catalog, p.layoutId);
    const now = this.ctx.now().toISOString();
    this.ctx.db
      .transaction(() => {
        if (!setOrderPrints(this.ctx.db, orderId, prints.length ? JSON.stringify(prints) : null, now)) throw new AppError('NOT_FOUND', { zh: '没有这个订单', en: 'No such order' });
        writeAudit(this.ctx.db, { at: now, operatorId: operator.id, action: 'print.order_prints', entity: 'order', entityId: orderId, detail: { prints } });
      })
      .immediate();
    return prints;
  }

  // ---- jobs ----

  jobs(orderId: string | null): PrintJob[] {
    const rows = orderId ? listPrintJobsForOrder(this.ctx.db, orderId) : listRecentPrintJobs(this.ctx.db, new Date(this.ctx.now().getTime() - 24 * 3600_000).toISOString(), 200);
    return rows.map(toPrintJob);
  }

  private job(id: string): PrintJob {
    const row = getPrintJob(this.ctx.db, id);
    if (!row) throw new AppError('NOT_FOUND', { zh: '没有这个打印任务', en: 'No such print job' });
    return toPrintJob(row);
  }

  private changed(id: string): void {
    if (!this.alive) return;
    const row = getPrintJob(this.ctx.db, id);
    if (row) this.ctx.emit('print.changed', toPrintJob(row));
  }

  private documentPath(jobId: string): string {
    return join(this.ctx.dataDir, 'prints', `${jobId}.pdf`);
  }

  /** Renders the job's document (the PDF lp gets), written durably before anything refers to it. */
  private async render(req: Omit<SubmitRequest, 'requestId' | 'printer' | 'tray' | 'copies'>, jobId: string): Promise<{ path: string; media: string | null }> {
    const doc =
      req.kind === 'sheet'
        ? await this.sheet({ orderId: req.orderId, layoutId: req.layoutId!, paperId: req.paperId, background: req.background ?? 'blue' })
        : await receiptDocument(this.ctx, this.catalog, req.orderId, req.paperId, this.opts.serverUrl());
    const path = this.documentPath(jobId);
    await writeDurably(path, doc.pdf);
    return { path, media: doc.media };
  }

  /**
   * Queues a print: checked and rendered first (a layout that does not fit, an order with no
   * accepted photo, a receipt with no server to point to are refused here, with no job made), then
   * stored, then handed to CUPS in the background. The same request again returns the same job.
   */
  async submit(operator: Operator, req: SubmitRequest): Promise<PrintJob> {
    const id = printJobId(req.orderId, req.requestId);
    const existing = getPrintJob(this.ctx.db, id);
    if (existing) return toPrintJob(existing);
    if (!isValidPrinterName(req.printer)) throw new AppError('BAD_INPUT', { zh: '打印机名称无效', en: 'Invalid printer name' });
    if (req.kind === 'sheet' && !req.layoutId) throw new AppError('BAD_INPUT', { zh: '请选择版式', en: 'Choose a layout' });
    requirePaper(this.catalog, req.paperId);
    const { path, media } = await this.render(req, id);
    const now = this.ctx.now().toISOString();
    this.ctx.db
      .transaction(() => {
        const inserted = insertPrintJob(
          this.ctx.db,
          {
            id,
            order_id: req.orderId,
            kind: req.kind,
            layout_id: req.kind === 'sheet' ? req.layoutId : null,
            paper_id: req.paperId,
            background: req.kind === 'sheet' ? (req.background ?? 'blue') : null,
            copies: req.copies,
            printer: req.printer,
            tray: req.tray,
            operator_id: operator.id,
          },
          now,
        );
        if (inserted) {
          setDocument(this.ctx.db, id, 1, path, media, now);
          writeAudit(this.ctx.db, { at: now, operatorId: operator.id, action: 'print.submit', entity: 'order', entityId: req.orderId, detail: { jobId: id, kind: req.kind, layoutId: req.layoutId, paperId: req.paperId, printer: req.printer, copies: req.copies } });
        }
      })
      .immediate();
    this.changed(id);
    this.kick();
    return this.job(id);
  }

  /**
   * Sends a failed or cancelled job again, to the same printer or another, as its next attempt. A
   * job still at a printer (stuck behind a paused or offline one) is cancelled there first.
   */
  async retry(operator: Operator, jobId: string, printer: string | null, tray: string | null): Promise<PrintJob> {
    const job = this.job(jobId);
    const target = printer ?? job.printer;
    if (!isValidPrinterName(target)) throw new AppError('BAD_INPUT', { zh: '打印机名称无效', en: 'Invalid printer name' });
    if (job.state === 'done') throw new AppError('CONFLICT', { zh: '这个任务已打印完成；要再打一份请重新打印', en: 'This job has printed; print again for another copy' });
    if (job.state === 'queued') throw new AppError('CONFLICT', { zh: '这个任务正在排队，稍等片刻', en: 'This job is still queued; wait a moment' });
    if (job.state === 'submitted') await this.cancel(operator, jobId);
    const row = getPrintJob(this.ctx.db, jobId)!;
    if (!row.document_path || !existsSync(row.document_path)) {
      const { path, media } = await this.render({ orderId: row.order_id, kind: row.kind, layoutId: row.layout_id, paperId: row.paper_id, background: row.background }, jobId);
      setDocument(this.ctx.db, jobId, row.attempt, path, media, this.ctx.now().toISOString());
    }
    const now = this.ctx.now().toISOString();
    this.ctx.db
      .transaction(() => {
        if (!requeuePrintJob(this.ctx.db, jobId, target, printer === null ? job.tray : tray, now)) throw new AppError('CONFLICT');
        writeAudit(this.ctx.db, { at: now, operatorId: operator.id, action: 'print.retry', entity: 'order', entityId: job.orderId, detail: { jobId, printer: target, attempt: job.attempt + 1 } });
      })
      .immediate();
    this.changed(jobId);
    this.kick();
    return this.job(jobId);
  }

  /** Cancels a job in the store first (so the follower never calls it failed), then in CUPS. */
  async cancel(operator: Operator, jobId: string): Promise<PrintJob> {
    const row = getPrintJob(this.ctx.db, jobId);
    if (!row) throw new AppError('NOT_FOUND', { zh: '没有这个打印任务', en: 'No such print job' });
    if (row.state !== 'queued' && row.state !== 'submitted') return toPrintJob(row);
    // Wait for a hand-over under way, so it cannot slip into CUPS after the cancel.
    await this.pumping;
    const current = getPrintJob(this.ctx.db, jobId)!;
    const now = this.ctx.now().toISOString();
    if (!markPrintCancelled(this.ctx.db, jobId, now)) return toPrintJob(current);
    writeAudit(this.ctx.db, { at: now, operatorId: operator.id, action: 'print.cancel', entity: 'order', entityId: current.order_id, detail: { jobId, cupsJobId: current.cups_job_id } });
    try {
      if (current.cups_job_id !== null) await this.backend.cancelJob(current.printer, current.cups_job_id);
      else if (current.submit_started_at) for (const j of (await this.backend.findJobsByTitle(current.printer, cupsTitle(jobId, current.attempt))) ?? []) await this.backend.cancelJob(current.printer, j.id);
    } catch (err) {
      log.warn('cancel in CUPS failed', { jobId, error: String(err) });
    }
    this.changed(jobId);
    return this.job(jobId);
  }

  // ---- the background work ----

  private kick(): void {
    if (!this.alive) return;
    this.pumping = this.pumping.then(() => this.pump()).catch((err: unknown) => log.error('print queue pump failed', { error: String(err) }));
  }

  private async tick(): Promise<void> {
    if (!this.alive) {
      this.stop();
      return;
    }
    const active = listActivePrintJobs(this.ctx.db);
    if (active.some((j) => j.state === 'queued')) this.kick();
    if (!this.polling && active.some((j) => j.state === 'submitted')) {
      this.polling = true;
      try {
        await this.follow();
      } catch (err) {
        if (!(err instanceof CupsUnavailable)) log.error('print follow failed', { error: String(err) });
      } finally {
        this.polling = false;
      }
    }
  }

  /** Hands queued jobs to CUPS, oldest first, one at a time. */
  private async pump(): Promise<void> {
    const tried = new Set<string>();
    for (;;) {
      if (!this.alive) return;
      // Each job once per pass: one that stays queued (claimed elsewhere, CUPS away) waits for the next tick.
      const job = listActivePrintJobs(this.ctx.db).find((j) => j.state === 'queued' && !tried.has(`${j.id}#${j.attempt}`));
      if (!job) return;
      tried.add(`${job.id}#${job.attempt}`);
      await this.handOver(job);
    }
  }

  private fail(job: PrintJobRow, zh: string, en: string, cupsState: string | null = null): void {
    markPrintFailed(this.ctx.db, job.id, job.attempt, bilingualJson(zh, en), cupsState, this.ctx.now().toISOString());
    this.changed(job.id);
  }

  private async handOver(job: PrintJobRow): Promise<void> {
    const title = cupsTitle(job.id, job.attempt);
    try {
      if (job.submit_started_at) {
        // A hand-over was under way when the station stopped: CUPS may have it already.
        const known = await this.backend.findJobsByTitle(job.printer, title);
        if (known === null) {
          // Cannot tell whether CUPS took it: sending again could print twice, so the photographer decides.
          this.fail(job, '无法确认上次是否已交给打印机：请查看打印机，需要时再重试', 'Cannot tell whether the printer already got this job: check the printer and retry if needed');
          return;
        }
        const found = known.sort((a, b) => a.id - b.id)[0];
        if (found) {
          log.info('print job found in CUPS after restart', { jobId: job.id, cupsJobId: found.id });
          markSubmitted(this.ctx.db, job.id, job.attempt, found.id, this.ctx.now().toISOString());
          this.changed(job.id);
          return;
        }
      }
      if (!job.document_path || !existsSync(job.document_path)) {
        this.fail(job, '打印文件丢失，请重试', 'The print file is missing; retry');
        return;
      }
      if (!markSubmitStarted(this.ctx.db, job.id, job.attempt, job.submit_started_at, this.ctx.now().toISOString())) return;
      const r = await this.backend.submitJob({ printer: job.printer, file: job.document_path, title, media: job.media, tray: job.tray, copies: job.copies });
      if (!r.ok) {
        const reason =
          r.kind === 'no-printer'
            ? { zh: `打印机「${job.printer}」不存在（已删除或未连接），请换一台打印机重试`, en: `Printer “${job.printer}” does not exist (removed or not connected); retry on another printer` }
            : r.kind === 'not-accepting'
              ? { zh: `打印机「${job.printer}」不接受任务（被设为拒绝），请换一台或让管理员启用`, en: `Printer “${job.printer}” is not accepting jobs; use another or have it enabled` }
              : { zh: `提交打印失败：${r.detail}`, en: `Submitting the print failed: ${r.detail}` };
        this.fail(job, reason.zh, reason.en);
        return;
      }
      await this.opts.afterLp?.(job.id, r.cupsJobId);
      if (!this.alive) return;
      if (!markSubmitted(this.ctx.db, job.id, job.attempt, r.cupsJobId, this.ctx.now().toISOString())) {
        // Cancelled while lp ran: take it back out of CUPS.
        await this.backend.cancelJob(job.printer, r.cupsJobId);
      }
      this.changed(job.id);
    } catch (err) {
      if (err instanceof CupsUnavailable) {
        // Leave it queued: CUPS may come back (the printer list on the screen says it is unreachable).
        log.warn('CUPS unavailable; print job stays queued', { jobId: job.id, detail: err.detail });
        throw cupsUnavailable(err.detail);
      }
      throw err;
    }
  }

  /** Looks every submitted job up in CUPS: done, failed (with the reason), or still waiting (and why). */
  private async follow(): Promise<void> {
    const printers = new Map<string, PrinterAttributes | null>();
    const printer = async (name: string) => {
      if (!printers.has(name)) printers.set(name, await this.backend.printerAttributes(name));
      return printers.get(name)!;
    };
    for (const job of listActivePrintJobs(this.ctx.db)) {
      if (!this.alive) return;
      if (job.state !== 'submitted' || job.cups_job_id === null) continue;
      const attrs = await this.backend.jobAttributes(job.printer, job.cups_job_id);
      const now = this.ctx.now().toISOString();
      if (!attrs) {
        const p = await printer(job.printer);
        if (!p) this.fail(job, `打印机「${job.printer}」已不存在（被删除或断开），任务没有打印：请换一台打印机重试`, `Printer “${job.printer}” is gone (removed or disconnected) and the job did not print: retry on another printer`);
        else this.fail(job, 'CUPS 已找不到这个任务（可能被管理员清除），请重试', 'CUPS no longer knows this job (perhaps purged by an administrator); retry');
        continue;
      }
      switch (attrs.state) {
        case 'completed':
          if (markPrintDone(this.ctx.db, job.id, job.attempt, now)) {
            this.changed(job.id);
            // Printed: the PDF has done its work (another copy is a new job, rendered afresh).
            if (job.document_path) await rm(job.document_path, { force: true }).catch(() => undefined);
          }
          break;
        case 'canceled':
          this.fail(job, '任务在打印服务中被取消（不是在本站取消的），需要时请重试', 'The job was cancelled in the print service (not from this station); retry if needed', 'canceled');
          break;
        case 'aborted': {
          const p = await printer(job.printer);
          const problem = p ? printerProblem(p) : null;
          const why = attrs.message ?? problem?.en ?? attrs.reasons.join(', ');
          this.fail(job, `打印中止：${problem?.zh ?? attrs.message ?? attrs.reasons.join('，')}`, `The print was aborted: ${why}`, 'aborted');
          break;
        }
        default: {
          const p = await printer(job.printer);
          const problem = p ? printerProblem(p) : null;
          if (updateCupsProgress(this.ctx.db, job.id, job.attempt, attrs.state, problem ? JSON.stringify(problem) : null, now)) this.changed(job.id);
        }
      }
    }
  }
}

function printerProblem(p: PrinterAttributes): PrinterProblem | null {
  const problem = describePrinterReasons(p.reasons, p.message);
  if (problem || p.accepting) return problem;
  return { severity: 'error', reasons: ['not-accepting'], zh: '打印机不接受新任务', en: 'The printer is not accepting jobs' };
}

const services = new WeakMap<AppContext['db'], PrintService>();

/**
 * The station's print service, one per database, started on first use: it picks up jobs a crash
 * left queued or submitted, and follows them. Its timer does not keep the process alive and stops
 * by itself once the database is closed.
 */
export function printServiceFor(ctx: AppContext, opts: PrintServiceOptions): PrintService {
  let s = services.get(ctx.db);
  if (!s) {
    s = new PrintService(ctx, opts);
    services.set(ctx.db, s);
    s.start();
  }
  return s;
}
