import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import type { RosterProblem } from '../../shared/domain/entities.js';
import type { RosterRecord } from '../../shared/domain/rosterRecord.js';
import { AppError, ERROR_CODES } from '../../shared/errors.js';
import { refuse, ROSTER_LIMITS, type RosterLimits } from './rosterLimits.js';

export interface RosterWorkerInput {
  fileName: string;
  bytes: Uint8Array;
  limits: RosterLimits;
}

export type RosterWorkerReply =
  | { ok: true; encoding: 'utf-8' | 'gbk' | 'xlsx'; records: RosterRecord[]; problems: RosterProblem[]; totalRows: number }
  | { ok: false; error: { code: string; zh: string; en: string } }
  | { ok: false; bug: string };

/** The reply's envelope; the rows inside were made by parseRosterRows in the worker, our own code. */
const Reply = z.union([
  z.object({ ok: z.literal(true), encoding: z.enum(['utf-8', 'gbk', 'xlsx']), records: z.array(z.unknown()), problems: z.array(z.unknown()), totalRows: z.number().int().nonnegative() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.enum(ERROR_CODES), zh: z.string(), en: z.string() }) }),
  z.object({ ok: z.literal(false), bug: z.string() }),
]);

export type RosterRead = { encoding: 'utf-8' | 'gbk' | 'xlsx'; records: RosterRecord[]; problems: RosterProblem[]; totalRows: number };

/**
 * Starts the worker on its module: the built .js beside this file when the kiosk runs compiled
 * code; under tsx (tests, `node --import tsx`) the .ts, booted through tsx's API because Node 20
 * does not carry `--import tsx` into workers (as tests/helpers/fakeCameraVideo.ts does).
 */
function startWorker(input: RosterWorkerInput, limits: RosterLimits): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: limits.maxHeapMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 };
  const transferList = [input.bytes.buffer as ArrayBuffer];
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./rosterWorker.js', import.meta.url), { workerData: { rosterInput: input }, transferList, resourceLimits, name: 'roster-reader' });
  }
  const boot = `const { workerData } = require('node:worker_threads');
import(workerData.tsxApi).then(({ tsImport }) => tsImport(workerData.script, workerData.script));`;
  return new Worker(boot, {
    eval: true,
    workerData: { rosterInput: input, tsxApi: import.meta.resolve('tsx/esm/api'), script: new URL('./rosterWorker.ts', import.meta.url).href },
    transferList,
    resourceLimits,
    name: 'roster-reader',
  });
}

/**
 * Reads and validates a roster file in a worker thread, so the kiosk keeps answering while a
 * hostile file is read: the worker stops at the first limit the file crosses, and is terminated
 * when it runs out of time or out of its bounded heap. Every refusal is an AppError in both
 * languages naming the limit.
 */
export async function readRosterInWorker(fileName: string, buf: Buffer, limits: RosterLimits = ROSTER_LIMITS): Promise<RosterRead> {
  if (buf.length > limits.maxFileBytes) throw refuse.fileBytes(limits);
  // One copy, handed over (transferred) rather than copied again into the worker.
  const bytes = new Uint8Array(buf);
  const worker = startWorker({ fileName, bytes, limits }, limits);
  return new Promise<RosterRead>((resolve, reject) => {
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      settle();
    };
    const timer = setTimeout(() => finish(() => reject(refuse.time(limits))), limits.timeoutMs);
    worker.on('message', (message: unknown) => {
      const reply = Reply.safeParse(message);
      if (!reply.success) return finish(() => reject(new Error(`roster worker: unexpected reply ${reply.error.message}`)));
      const r = reply.data;
      if (r.ok) return finish(() => resolve({ encoding: r.encoding, records: r.records as RosterRecord[], problems: r.problems as RosterProblem[], totalRows: r.totalRows }));
      if ('error' in r) return finish(() => reject(new AppError(r.error.code, { zh: r.error.zh, en: r.error.en })));
      finish(() => reject(new Error(`roster worker: ${r.bug}`)));
    });
    worker.on('error', (err: Error & { code?: string }) => {
      finish(() => reject(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? refuse.memory(limits) : err));
    });
    worker.on('exit', (code) => {
      finish(() => reject(new Error(`roster worker exited (${code}) without an answer`)));
    });
  });
}
