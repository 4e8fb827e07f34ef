import { randomUUID } from 'node:crypto';
import { statfs } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Operator } from '../../shared/domain/entities.js';
import { AppError } from '../../shared/errors.js';
import type { ExportFinished, ExportPlanSummary, ExportProgress, ExportRequest, ExportResult } from '../../shared/export/exportTypes.js';
import { maskIdNumbersIn } from '../../shared/export/fileNames.js';
import { createLogger } from '../log/logger.js';
import type { AppContext } from '../services/AppContext.js';
import { ExportCancelled } from './exportErrors.js';
import { planExport } from './exportPlan.js';
import { runExport } from './runExport.js';

const log = createLogger('export');

interface Running {
  exportId: string;
  request: ExportRequest;
  controller: AbortController;
  progress: ExportProgress | null;
  startedAt: string;
}

/** What crosses to the screen: ID numbers in names and messages masked (the files keep them). */
function masked(result: ExportResult): ExportResult {
  return { ...result, problems: result.problems.map((p) => ({ ...p, file: p.file === null ? null : maskIdNumbersIn(p.file), zh: maskIdNumbersIn(p.zh), en: maskIdNumbersIn(p.en) })) };
}

/**
 * One export at a time per station, run in the background: the RPC call returns at once with an
 * id, progress arrives as `export.progress` events, the end as `export.finished`. A screen opened
 * later (or after a reconnect) asks `export.status`.
 */
export class ExportRunner {
  private running: Running | null = null;
  private last: ExportFinished | null = null;

  constructor(private readonly ctx: AppContext) {}

  /** Names, counts and the space needed, before anything is written. */
  plan(request: ExportRequest): ExportPlanSummary {
    const plan = planExport(this.ctx, request);
    const bytes = plan.files.reduce((s, f) => s + f.size, 0);
    return {
      students: plan.counts.students,
      photos: plan.counts.photos,
      noShows: plan.counts.noShows,
      notCaptured: plan.counts.notCaptured,
      retakesPending: plan.counts.retakesPending,
      otherStation: plan.counts.otherStation,
      bytesNeeded: request.zip ? bytes * 2 : bytes,
      sampleNames: plan.files.slice(0, 5).map((f) => maskIdNumbersIn(f.rel)),
      problems: plan.problems.map((p) => ({ ...p, file: p.file === null ? null : maskIdNumbersIn(p.file), zh: maskIdNumbersIn(p.zh), en: maskIdNumbersIn(p.en) })),
    };
  }

  async start(operator: Operator, request: ExportRequest): Promise<{ exportId: string }> {
    if (this.running) throw new AppError('CONFLICT', { zh: '已有一个导出正在进行，请等它完成或取消', en: 'An export is already running: wait for it or cancel it' });
    // Mistakes a site manager can fix are answered now, not as a failed export event.
    planExport(this.ctx, request);
    try {
      await statfs(resolve(request.outDir));
    } catch {
      throw new AppError('NOT_FOUND', { zh: `导出位置不存在：${request.outDir}（U 盘插好了吗？）`, en: `The export destination does not exist: ${request.outDir} (is the drive plugged in?)` });
    }
    if (this.running) throw new AppError('CONFLICT', { zh: '已有一个导出正在进行，请等它完成或取消', en: 'An export is already running: wait for it or cancel it' });
    const exportId = randomUUID();
    const running: Running = { exportId, request, controller: new AbortController(), progress: null, startedAt: this.ctx.now().toISOString() };
    this.running = running;
    const done = (finished: ExportFinished) => {
      this.running = null;
      this.last = finished;
      this.ctx.emit('export.finished', finished);
    };
    runExport(this.ctx, request, {
      exportId,
      operatorId: operator.id,
      via: 'station',
      signal: running.controller.signal,
      onProgress: (p) => {
        running.progress = p;
        this.ctx.emit('export.progress', p);
      },
    }).then(
      (result) => done({ exportId, result: masked(result), error: null }),
      (err: unknown) => {
        const e = err instanceof AppError ? err : new AppError('INTERNAL');
        if (!(err instanceof AppError)) log.error('export crashed', { exportId, error: String((err as Error)?.stack ?? err) });
        done({ exportId, result: null, error: { code: e.code, zh: e.zh, en: e.en } });
      },
    );
    return { exportId };
  }

  cancel(exportId: string): boolean {
    if (this.running?.exportId !== exportId) return false;
    this.running.controller.abort(new ExportCancelled());
    return true;
  }

  status(): { running: { exportId: string; taskCode: string; from: string; to: string; outDir: string; startedAt: string; progress: ExportProgress | null } | null; last: ExportFinished | null } {
    const r = this.running;
    return {
      running: r ? { exportId: r.exportId, taskCode: r.request.taskCode, from: r.request.from, to: r.request.to, outDir: r.request.outDir, startedAt: r.startedAt, progress: r.progress } : null,
      last: this.last,
    };
  }

  /** Resolves when the running export (if any) has ended: for shutdown and tests. */
  async idle(): Promise<void> {
    while (this.running) await new Promise((r) => setTimeout(r, 50));
  }
}

const runners = new WeakMap<object, ExportRunner>();

/** One runner per station (handlers are made per transport; the export is the station's). */
export function exportRunnerFor(ctx: AppContext): ExportRunner {
  let r = runners.get(ctx.db);
  if (!r) runners.set(ctx.db, (r = new ExportRunner(ctx)));
  return r;
}
