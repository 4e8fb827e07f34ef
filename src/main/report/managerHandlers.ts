import { resolve } from 'node:path';
import type { Operator } from '../../shared/domain/entities.js';
import { AppError } from '../../shared/errors.js';
import { localDateOf } from '../../shared/localDate.js';
import { writeAudit } from '../db/queries/audit.js';
import { listAuditPage } from '../db/queries/reportAuditLog.js';
import { listExportDestinations } from '../export/destinations.js';
import { exportRunnerFor } from '../export/exportRunner.js';
import type { Handlers } from '../rpc/router.js';
import type { AppContext, Session } from '../services/AppContext.js';
import { idleLockMinutes, lockState, overrideLock, setIdleLockMinutes, unlockStation } from '../services/auth.js';
import { buildDayReport } from './buildDayReport.js';
import { requeueMissing, reconcileTask } from './reconcile.js';
import { writeReportPdf } from './reportPdf.js';
import { safeComponent } from '../../shared/export/fileNames.js';

type ManagerProcedures =
  | 'auth.lockState'
  | 'auth.overrideLock'
  | 'auth.unlock'
  | 'settings.get'
  | 'settings.set'
  | 'audit.list'
  | 'export.destinations'
  | 'export.plan'
  | 'export.start'
  | 'export.cancel'
  | 'export.status'
  | 'report.day'
  | 'report.pdf'
  | 'reconcile.list'
  | 'reconcile.requeue';

function operatorOf(session: Session): Operator {
  if (!session.operator) throw new AppError('UNAUTHENTICATED');
  return session.operator;
}

function parseDetail(detail: string | null): Record<string, unknown> | null {
  if (!detail) return null;
  try {
    const v: unknown = JSON.parse(detail);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { text: detail };
  }
}

/** The site manager's procedures (the router has checked the role); every action is audited. */
/** A name as the audit screen shows it: enough to recognise a student one has just photographed,
 * not enough to read the roster off the screen (张*, 张*丰, 欧**娜). */
function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars.at(-1)}`;
}

export function managerHandlers(ctx: AppContext & { sync?: { kick(): void } }): Pick<Handlers, ManagerProcedures> {
  const exports = exportRunnerFor(ctx);
  return {
    'auth.lockState': () => lockState(ctx),
    'auth.overrideLock': async ({ pin, reason }, session) => ({ operator: await overrideLock(ctx, session, pin, reason) }),
    'auth.unlock': ({ reason }, session) => unlockStation(ctx, operatorOf(session), reason),
    'settings.get': () => ({ idleLockMinutes: idleLockMinutes(ctx) }),
    'settings.set': ({ idleLockMinutes: minutes, reason }, session) => ({ idleLockMinutes: setIdleLockMinutes(ctx, operatorOf(session), minutes, reason ?? null) }),
    'audit.list': ({ beforeId, action, limit }, session) => {
      const rows = listAuditPage(ctx.db, { beforeId, actionPrefix: action || null, limit: limit + 1 });
      // Who read the audit log is itself on record (once per first page, not per scroll).
      if (beforeId === null) writeAudit(ctx.db, { at: ctx.now().toISOString(), operatorId: operatorOf(session).id, action: 'audit.view', detail: { filter: action ?? null } });
      return {
        entries: rows.slice(0, limit).map((r) => ({
          id: r.id,
          at: r.at,
          operatorId: r.operator_id,
          operatorName: r.operator_name,
          action: r.action,
          entity: r.entity,
          entityId: r.entity_id,
          detail: parseDetail(r.detail),
          reason: r.reason,
          student: r.student_name === null ? null : { nameMasked: maskName(r.student_name), studentNo: r.student_no },
        })),
        more: rows.length > limit,
      };
    },
    'export.destinations': async () => ({ destinations: await listExportDestinations(ctx.dataDir) }),
    'export.plan': (request) => exports.plan(request),
    'export.start': (request, session) => exports.start(operatorOf(session), request),
    'export.cancel': ({ exportId }, session) => {
      const cancelled = exports.cancel(exportId);
      if (cancelled) writeAudit(ctx.db, { at: ctx.now().toISOString(), operatorId: operatorOf(session).id, action: 'export.cancel', detail: { exportId } });
      return { cancelled };
    },
    'export.status': () => exports.status(),
    'report.day': ({ taskCode, from, to }) => buildDayReport(ctx, taskCode, from, to),
    'report.pdf': async ({ taskCode, from, to, outDir }, session) => {
      const report = buildDayReport(ctx, taskCode, from, to);
      const stamp = localDateOf(ctx.now()).replace(/-/g, '');
      const name = safeComponent(`采集日报_${taskCode}_${from}${to !== from ? `_${to}` : ''}_${stamp}${String(ctx.now().getHours()).padStart(2, '0')}${String(ctx.now().getMinutes()).padStart(2, '0')}.pdf`);
      let written: { path: string; bytes: number };
      try {
        written = await writeReportPdf(report, resolve(outDir, name));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOSPC' || code === 'EDQUOT') throw new AppError('DISK_FULL', { zh: `保存 PDF 的位置空间不足：${outDir}`, en: `Not enough space to save the PDF in ${outDir}` });
        if (code === 'ENOENT' || code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
          throw new AppError('BAD_INPUT', { zh: `无法写入：${outDir}（不存在、只读或无权限）`, en: `Cannot write to ${outDir} (missing, read-only or no permission)` });
        }
        throw err;
      }
      writeAudit(ctx.db, {
        at: ctx.now().toISOString(),
        operatorId: operatorOf(session).id,
        action: 'report.pdf',
        entity: 'task',
        entityId: taskCode,
        detail: { from, to, path: written.path, bytes: written.bytes },
      });
      return written;
    },
    'reconcile.list': ({ taskCode }) => reconcileTask(ctx, taskCode),
    'reconcile.requeue': ({ taskCode, orderIds }, session) => requeueMissing(ctx, operatorOf(session), taskCode, orderIds),
  };
}
