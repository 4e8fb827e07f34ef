import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors.js';
import { parseTemplate, TemplateError } from '../../shared/export/fileNames.js';
import { DEFAULT_NAME_TEMPLATE, ExportRequest, type ExportPhase, type ExportResult } from '../../shared/export/exportTypes.js';
import { openDatabase, openDatabaseReadOnly } from '../db/openDatabase.js';
import { getSetting } from '../db/queries/settings.js';
import { ExportCancelled } from '../export/exportErrors.js';
import { runExport } from '../export/runExport.js';
import { configureLogging } from '../log/logger.js';
import { PiiCipher } from '../security/piiCipher.js';

export interface ExportCommandOptions {
  dataDir: string;
  taskCode: string;
  from: string;
  to: string;
  outDir: string;
  template?: string;
  folders?: string;
  originals: boolean;
  zip: boolean;
  json: boolean;
  reason?: string;
}

/**
 * `campus-capture export --json` prints one object. Other tools read it: fields are added, never
 * renamed or removed. Success: `{ ok: true, ...ExportResult }` (exit 0). Failure: `{ ok: false,
 * error: { code, zh, en } }` (exit 1; code as in src/shared/errors.ts: DISK_FULL, NOT_FOUND, …).
 */
export type ExportCommandJson = ({ ok: true } & ExportResult) | { ok: false; error: { code: string; zh: string; en: string } };

const PHASE_WORDS: Record<ExportPhase, string> = {
  plan: '准备 / planning',
  photos: '复制照片 / photos',
  originals: '复制原片 / originals',
  manifest: '名单与校验文件 / manifest and checksums',
  zip: '打包 / zip',
  verify: '读回校验 / verifying',
  done: '完成 / done',
};

/** Usage problems (exit 2) are found before the store is opened. */
export function exportRequestFrom(opts: ExportCommandOptions): { request: ExportRequest } | { problems: string[] } {
  const parsed = ExportRequest.safeParse({
    taskCode: opts.taskCode,
    from: opts.from,
    to: opts.to,
    template: opts.template ?? DEFAULT_NAME_TEMPLATE,
    folders: opts.folders ?? 'none',
    originals: opts.originals,
    zip: opts.zip,
    outDir: opts.outDir,
    ...(opts.reason ? { reason: opts.reason } : {}),
  });
  if (!parsed.success) return { problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`) };
  try {
    parseTemplate(parsed.data.template);
  } catch (err) {
    if (err instanceof TemplateError) return { problems: [`${err.zh} / ${err.en}`] };
    throw err;
  }
  return { request: parsed.data };
}

/**
 * The day batch export from the command line, the same code as the station's screen: safe beside a
 * running kiosk (SQLite WAL: it reads a consistent snapshot; its one write is the audit entry).
 * The export is audited as made by the command line (operator: none, via: cli).
 */
export async function exportCommand(request: ExportRequest, opts: { dataDir: string; json: boolean }): Promise<number> {
  const dbFile = join(opts.dataDir, 'station.sqlite');
  const keyFile = join(opts.dataDir, 'keys', 'pii.key');
  const fail = (e: AppError): number => {
    if (opts.json) process.stdout.write(JSON.stringify({ ok: false, error: { code: e.code, zh: e.zh, en: e.en } } satisfies ExportCommandJson, null, 2) + '\n');
    else process.stderr.write(`${e.zh}\n${e.en}\n`);
    return 1;
  };
  try {
    // Refuses a missing, older or newer database without touching it; then the writer connection.
    openDatabaseReadOnly(dbFile).close();
    if (!existsSync(keyFile)) {
      throw new AppError('NOT_FOUND', { zh: `找不到采集站密钥 ${keyFile}，无法解密身份证号`, en: `No station key at ${keyFile}: ID numbers cannot be decrypted` });
    }
  } catch (err) {
    if (err instanceof AppError) return fail(err);
    throw err;
  }
  configureLogging({ dir: join(opts.dataDir, 'logs') });
  const db = openDatabase(dbFile);
  const controller = new AbortController();
  const onSignal = () => controller.abort(new ExportCancelled());
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const stationId = getSetting(db, 'station.id');
    if (!stationId) throw new AppError('NOT_FOUND', { zh: '这个数据目录还没有启动过采集站', en: 'No kiosk has run with this data folder yet' });
    const ctx = { db, pii: PiiCipher.fromKeyFile(keyFile), dataDir: opts.dataDir, stationId, stationName: getSetting(db, 'station.name') ?? '采集站', now: () => new Date() };
    let lastPhase: ExportPhase | null = null;
    const result = await runExport(ctx, request, {
      exportId: randomUUID(),
      operatorId: null,
      via: 'cli',
      signal: controller.signal,
      onProgress: (p) => {
        if (opts.json || p.phase === lastPhase) return;
        lastPhase = p.phase;
        process.stderr.write(`${PHASE_WORDS[p.phase]} (${Math.round((100 * p.bytesDone) / Math.max(1, p.bytesTotal))}%)\n`);
      },
    });
    if (opts.json) process.stdout.write(JSON.stringify({ ok: true, ...result } satisfies ExportCommandJson, null, 2) + '\n');
    else process.stdout.write(formatResult(result));
    return 0;
  } catch (err) {
    if (err instanceof AppError) return fail(err);
    throw err;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    db.close();
  }
}

function formatResult(r: ExportResult): string {
  const lines = [
    `导出完成 / export finished: ${r.folder}`,
    ...(r.zip ? [`  zip: ${r.zip}`, `  sha256: ${r.zipSha256}`] : []),
    `  学生 students ${r.students} · 照片 photos ${r.photos}${r.originals ? ` · 原片 originals ${r.originals}` : ''} · 未到 no-shows ${r.noShows} · 未采集 not captured ${r.notCaptured} · 待重拍 retakes ${r.retakesPending}`,
    `  文件 files ${r.files}, ${(r.bytes / 1e6).toFixed(1)} MB, 已读回校验 verified`,
    ...r.problems.map((p) => `  ! ${p.zh} / ${p.en}`),
  ];
  return lines.join('\n') + '\n';
}
