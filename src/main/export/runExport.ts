import { access, constants, open, readdir, rename, rm, stat, statfs } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { AppError } from '../../shared/errors.js';
import type { ExportPhase, ExportProblem, ExportProgress, ExportRequest, ExportResult } from '../../shared/export/exportTypes.js';
import type { ManifestRow } from '../../shared/export/manifestColumns.js';
import { writeAudit } from '../db/queries/audit.js';
import { createLogger } from '../log/logger.js';
import { mkdirPrivate, mkdirPrivateUnder } from '../security/privateFiles.js';
import { ExportCancelled, exportFailure, notEnoughSpace } from './exportErrors.js';
import { planExport, type ExportContext, type ExportPlan } from './exportPlan.js';
import { copyWithDigest, digestFile, throwIfAborted, writeNewFile, type Digest } from './fileDigest.js';
import { csvBytes, readmeText, sha256sums, writeXlsx } from './manifestFiles.js';
import { verifyZip } from './zipReader.js';
import { ZipWriter, zipEntryOverhead } from './zipWriter.js';

const log = createLogger('export');

export interface ExportHooks {
  exportId: string;
  onProgress?: (p: ExportProgress) => void;
  signal?: AbortSignal;
  /** Who asked: an operator at the station, or the command line (operatorId null). */
  operatorId: string | null;
  via: 'station' | 'cli';
}

/** Names an interrupted export leaves (a crash, a pulled drive): removed at the next export there. */
const PARTIAL_RE = /^\.[A-Za-z0-9_-]+_\d{4}-\d{2}-\d{2}(?:_\d{4}-\d{2}-\d{2})?_\d{6}(?:_\d+)?(?:\.zip)?\.partial$/;
const MANIFEST_PER_ROW = 800;
const MARGIN = 256 * 1024;
const STALE_PARTIAL_MS = 2 * 60_000;

class Progress {
  private last = 0;
  bytesDone = 0;
  constructor(
    private readonly exportId: string,
    readonly bytesTotal: number,
    private readonly sink: ((p: ExportProgress) => void) | undefined,
  ) {}

  report(phase: ExportPhase, done: number, total: number, force = false): void {
    if (!this.sink) return;
    const t = Date.now();
    if (!force && t - this.last < 150) return;
    this.last = t;
    this.sink({ exportId: this.exportId, phase, done, total, bytesDone: Math.min(this.bytesDone, this.bytesTotal), bytesTotal: this.bytesTotal });
  }
}

async function checkOutDir(outDir: string): Promise<void> {
  let info;
  try {
    info = await stat(outDir);
  } catch {
    throw new AppError('NOT_FOUND', { zh: `导出位置不存在：${outDir}（U 盘插好了吗？）`, en: `The export destination does not exist: ${outDir} (is the drive plugged in?)` });
  }
  if (!info.isDirectory()) throw new AppError('BAD_INPUT', { zh: `导出位置不是文件夹：${outDir}`, en: `The export destination is not a folder: ${outDir}` });
  try {
    await access(outDir, constants.W_OK);
  } catch {
    throw new AppError('BAD_INPUT', { zh: `导出位置不可写：${outDir}（只读或无权限）`, en: `The export destination cannot be written: ${outDir} (read-only or no permission)` });
  }
}

/** Left by an export that was interrupted (not one still writing: untouched for two minutes). */
async function removeStalePartials(outDir: string, now: number): Promise<void> {
  for (const name of await readdir(outDir).catch(() => [] as string[])) {
    if (!PARTIAL_RE.test(name)) continue;
    const info = await stat(join(outDir, name)).catch(() => null);
    if (info && now - info.mtimeMs > STALE_PARTIAL_MS) await rm(join(outDir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** fsync a directory so the names just created in it survive a power cut (Linux; elsewhere a no-op). */
async function syncDir(path: string): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'r');
    await fh.sync();
  } catch {
    // Windows cannot open a directory; FAT on Linux may refuse: the files themselves were fsynced.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

function spaceNeeded(plan: ExportPlan, block: number): { bytes: number; copyBytes: number; zipBytes: number } {
  const round = (n: number) => Math.max(block, Math.ceil(n / block) * block);
  // Generous per-row sizes (a CSV row is ~450 bytes with its two SHA-256s; the workbook holds the
  // rows twice, compressed): too low an estimate only means the write itself reports the full drive.
  const small = [4096 + plan.rows.length * MANIFEST_PER_ROW, 32_768 + plan.rows.length * MANIFEST_PER_ROW, 4096 + plan.files.length * 200, 4096];
  const copyBytes = plan.files.reduce((s, f) => s + f.size, 0);
  const loose = plan.files.reduce((s, f) => s + round(f.size), 0) + small.reduce((s, n) => s + round(n), 0);
  const zipBytes = plan.request.zip
    ? copyBytes + small.reduce((s, n) => s + n, 0) + plan.files.reduce((s, f) => s + zipEntryOverhead(`${plan.folderName}/${f.rel}`), 0) + 4096
    : 0;
  return { bytes: loose + (zipBytes ? round(zipBytes) + round(100) : 0) + MARGIN, copyBytes, zipBytes };
}

/**
 * The day batch export: plan (names decided, space checked) → copy each photo with its digest →
 * manifests and checksums → zip → read everything back from the destination and compare → rename
 * into place → audit. Until the rename, everything is written under dot-names ending in .partial;
 * whatever fails (a full drive, a pulled drive, a cancel) deletes them and leaves the store exactly
 * as it was (the audit entry is the only write, and only for a finished export).
 */
export async function runExport(ctx: ExportContext, request: ExportRequest, hooks: ExportHooks): Promise<ExportResult> {
  const outDir = resolve(request.outDir);
  const plan = planExport(ctx, request);
  await checkOutDir(outDir);
  await removeStalePartials(outDir, Date.now());
  const fsInfo = await statfs(outDir);
  const need = spaceNeeded(plan, Number(fsInfo.bsize) || 4096);
  const free = Number(fsInfo.bavail) * Number(fsInfo.bsize);
  if (free < need.bytes) throw notEnoughSpace(outDir, need.bytes, free);

  let name = plan.folderName;
  for (let n = 2; (await exists(join(outDir, name))) || (await exists(join(outDir, `${name}.zip`))); n++) name = `${plan.folderName}_${n}`;
  const partialDir = join(outDir, `.${name}.partial`);
  const partialZip = join(outDir, `.${name}.zip.partial`);
  const finalDir = join(outDir, name);
  const finalZip = join(outDir, `${name}.zip`);
  const sidecar = `${finalZip}.sha256`;
  const created: string[] = [];
  const verifyBytes = need.copyBytes * (request.zip ? 2 : 1);
  const progress = new Progress(hooks.exportId, need.copyBytes + need.zipBytes + verifyBytes, hooks.onProgress);
  const onBytes = (n: number) => {
    progress.bytesDone += n;
  };
  const signal = hooks.signal;
  progress.report('plan', 0, plan.files.length, true);

  try {
    created.push(partialDir);
    // Owner-only folders and files (0700/0600 whatever the umask): the export holds full ID numbers.
    await mkdirPrivate(partialDir);
    const dirs = new Set<string>();
    for (const f of plan.files) dirs.add(dirname(join(partialDir, f.rel)));
    for (const d of [...dirs].sort()) await mkdirPrivateUnder(partialDir, d);

    // 1. Photos (and originals), each fsynced, digested on the way.
    const digests = new Map<string, Digest>();
    const problems: ExportProblem[] = [...plan.problems];
    const rows: ManifestRow[] = plan.rows.map((r) => ({ ...r.cells }));
    const photos = plan.files.filter((f) => f.kind === 'photo');
    const originals = plan.files.filter((f) => f.kind === 'original');
    for (const [phase, list] of [['photos', photos], ['originals', originals]] as const) {
      let done = 0;
      if (list.length) progress.report(phase, 0, list.length, true);
      for (const f of list) {
        throwIfAborted(signal);
        const d = await copyWithDigest(f.source, join(partialDir, f.rel), onBytes, signal);
        digests.set(f.rel, d);
        const row = rows[f.row]!;
        if (f.kind === 'photo') {
          row.file = f.rel;
          row.sha256 = d.sha256;
        } else {
          row.originalFile = f.rel;
          row.originalSha256 = d.sha256;
        }
        if (f.expectedSha256 && f.expectedSha256 !== d.sha256) {
          const label = plan.rows[f.row]!.label;
          problems.push({
            kind: 'photo_changed',
            student: label,
            file: f.rel,
            zh: `${label} 的文件与采用时记录的 SHA-256 不同（本机磁盘上的文件被改动过）`,
            en: `The file of ${label} differs from the SHA-256 recorded when it was accepted (changed on this station's disk)`,
          });
        }
        progress.report(phase, ++done, list.length, done === list.length);
      }
    }

    // 2. Manifests, a readme and the checksum list.
    throwIfAborted(signal);
    progress.report('manifest', 0, 4, true);
    const small: [string, Buffer][] = [
      ['README.txt', readmeText(plan, ctx.stationName)],
      ['manifest.csv', csvBytes(rows)],
    ];
    for (const [rel, data] of small) digests.set(rel, await writeNewFile(join(partialDir, rel), data));
    digests.set('manifest.xlsx', await writeXlsx(plan, rows, ctx.stationName, join(partialDir, 'manifest.xlsx')));
    const sums = sha256sums(new Map([...digests].map(([rel, d]) => [rel, d.sha256])));
    digests.set('SHA256SUMS', await writeNewFile(join(partialDir, 'SHA256SUMS'), sums));
    for (const d of [...dirs].sort().reverse()) await syncDir(d);
    await syncDir(partialDir);
    progress.report('manifest', 4, 4, true);

    // 3. One zip of the same files, under a top folder of the export's name.
    const order = ['README.txt', 'manifest.csv', 'manifest.xlsx', 'SHA256SUMS', ...photos.map((f) => f.rel), ...originals.map((f) => f.rel)];
    let zipSha256: string | null = null;
    const sources = new Map(plan.files.map((f) => [f.rel, f.source]));
    if (request.zip) {
      created.push(partialZip);
      const zip = await ZipWriter.create(partialZip, plan.startedAt);
      try {
        let done = 0;
        progress.report('zip', 0, order.length, true);
        for (const rel of order) {
          throwIfAborted(signal);
          const d = digests.get(rel)!;
          // Photos are read from the station's disk (faster than a USB drive); their bytes must
          // match the copy's digest, so the zip and the folder cannot differ.
          await zip.addFile(`${name}/${rel}`, sources.get(rel) ?? join(partialDir, rel), d, onBytes, signal);
          progress.report('zip', ++done, order.length, done === order.length);
        }
        zipSha256 = (await zip.finish()).sha256;
      } catch (err) {
        await zip.abort();
        throw err;
      }
    }

    // 4. Everything read back from the destination and compared with what was written.
    let verified = 0;
    const verifyTotal = order.length * (request.zip ? 2 : 1);
    progress.report('verify', 0, verifyTotal, true);
    for (const rel of order) {
      const back = await digestFile(join(partialDir, rel), onBytes, signal);
      if (back.sha256 !== digests.get(rel)!.sha256 || back.bytes !== digests.get(rel)!.bytes) {
        throw Object.assign(new Error(`${rel} reads back different`), { code: 'EVERIFY' });
      }
      progress.report('verify', ++verified, verifyTotal, verified === verifyTotal);
    }
    if (request.zip) {
      const expected = new Map(order.map((rel) => [`${name}/${rel}`, { bytes: digests.get(rel)!.bytes, sha256: digests.get(rel)!.sha256 }]));
      let zipBytesSeen = 0;
      const check = await verifyZip(
        partialZip,
        expected,
        (n) => {
          onBytes(n);
          zipBytesSeen += n;
          progress.report('verify', verified + Math.round((order.length * zipBytesSeen) / Math.max(1, need.zipBytes)), verifyTotal);
        },
        signal,
      );
      if (check.sha256 !== zipSha256) throw Object.assign(new Error('the zip reads back different'), { code: 'EVERIFY' });
    }
    throwIfAborted(signal);

    // 5. Into place under the final names.
    created.push(finalDir);
    await rename(partialDir, finalDir);
    if (request.zip) {
      created.push(finalZip, sidecar);
      await rename(partialZip, finalZip);
      await writeNewFile(sidecar, Buffer.from(`${zipSha256}  ${name}.zip\n`, 'utf8'));
    }
    await syncDir(outDir);

    const finishedAt = ctx.now();
    const result: ExportResult = {
      exportId: hooks.exportId,
      taskCode: request.taskCode,
      from: request.from,
      to: request.to,
      template: `${plan.template.source}.jpg`,
      folders: request.folders,
      folder: finalDir,
      zip: request.zip ? finalZip : null,
      zipSha256,
      students: plan.counts.students,
      photos: photos.length,
      originals: originals.length,
      noShows: plan.counts.noShows,
      notCaptured: plan.counts.notCaptured,
      retakesPending: plan.counts.retakesPending,
      files: digests.size,
      bytes: [...digests.values()].reduce((s, d) => s + d.bytes, 0),
      verified: true,
      problems,
      startedAt: plan.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
    };
    // The one write to the store, and only for an export that is complete on the drive.
    writeAudit(ctx.db, {
      at: finishedAt.toISOString(),
      operatorId: hooks.operatorId,
      action: 'export.run',
      entity: 'task',
      entityId: request.taskCode,
      detail: {
        exportId: hooks.exportId,
        via: hooks.via,
        from: request.from,
        to: request.to,
        template: result.template,
        folders: request.folders,
        originals: request.originals,
        students: result.students,
        photos: result.photos,
        noShows: result.noShows,
        bytes: result.bytes,
        folder: finalDir,
        zipSha256,
        problems: problems.length,
      },
      ...(request.reason ? { reason: request.reason } : {}),
    });
    progress.bytesDone = progress.bytesTotal;
    progress.report('done', order.length, order.length, true);
    log.info('export finished', { exportId: hooks.exportId, taskCode: request.taskCode, photos: result.photos, bytes: result.bytes });
    return result;
  } catch (err) {
    let cleaned = true;
    for (const path of created.reverse()) {
      try {
        await rm(path, { recursive: true, force: true });
        if (await exists(path)) cleaned = false;
      } catch {
        cleaned = false;
      }
    }
    const cancelled = err instanceof ExportCancelled || (signal?.aborted === true && signal.reason instanceof ExportCancelled);
    const failure = exportFailure(cancelled ? new ExportCancelled() : err, outDir, cleaned);
    log.warn('export failed', { exportId: hooks.exportId, code: failure.code, cause: (err as NodeJS.ErrnoException)?.code ?? String((err as Error)?.message ?? err).slice(0, 200) });
    throw failure;
  }
}
