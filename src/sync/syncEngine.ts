import { FEEDS, feedPage, OrderUploadResult, PATHS, StudentCorrectionResult, type FeedName } from '../shared/sync/protocol.js';
import type { SyncStatus } from '../shared/sync/syncStatus.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { uploadPhoto } from './photoUpload.js';
import { authHeader, requestJson, type Credentials } from './serverClient.js';
import { SyncError } from './syncError.js';
import type { OutboxJob, SyncStore } from './syncStore.js';

const NETWORK_PROBE_CAP_MS = 30_000;

export interface EngineOptions {
  credentials: Credentials;
  backoff?: BackoffPolicy;
  /** How often feeds are pulled while nothing else prompts it. */
  pullIntervalMs?: number;
  requestTimeoutMs?: number;
  uploadIdleTimeoutMs?: number;
  /** Attempts after which a job that keeps failing transiently is still retried, but reported. */
  now?: () => Date;
  random?: () => number;
  onChange?: (status: SyncStatus) => void;
  /** A review result arrived (a retake, a decision): the station refreshes its lists. */
  onPulled?: (feed: FeedName, items: number) => void;
  log?: (level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>) => void;
}

/**
 * The station's side of sync: drains the outbox one job at a time (orders before photos) and pulls
 * the change feeds. One loop, one request at a time: a station uploads a few hundred photos a day,
 * and a single stream keeps the link full (measured in bench/sync) without reordering risks.
 * Every state worth keeping is in the store, so killing the process at any point loses nothing:
 * the next start resets the claimed job and carries on.
 */
export class SyncEngine {
  private stopped = true;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private online: boolean | null = null;
  private paused: { kind: 'halt' | 'throttled' | 'network'; zh: string; en: string; until: Date | null } | null = null;
  private lastSuccessAt: Date | null = null;
  private lastError: string | null = null;
  private uploading: SyncStatus['uploading'] = null;
  private nextPullAt = 0;
  private pullRequested = true;
  private lastEmit = 0;
  /** Failures in a row with no answer at all: the network (or the server) is gone, not one job. */
  private networkFailures = 0;
  private readonly backoff: BackoffPolicy;
  private readonly pullIntervalMs: number;
  private readonly requestTimeoutMs: number;
  private readonly uploadIdleTimeoutMs: number;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly auth: string;

  constructor(
    private readonly store: SyncStore,
    private readonly opts: EngineOptions,
  ) {
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.pullIntervalMs = opts.pullIntervalMs ?? 30_000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 20_000;
    this.uploadIdleTimeoutMs = opts.uploadIdleTimeoutMs ?? 30_000;
    this.now = opts.now ?? (() => new Date());
    this.random = opts.random ?? Math.random;
    this.auth = authHeader(opts.credentials);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const reset = this.store.resetInterruptedJobs();
    if (reset) this.opts.log?.('info', 'resumed interrupted sync jobs', { jobs: reset });
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.kick();
    await this.loop;
  }

  /** Something changed (an order queued, the manager pressed 立即同步): look now, not at the next tick. */
  kick(opts: { pull?: boolean } = {}): void {
    if (opts.pull) this.pullRequested = true;
    // A person asked (立即同步) or new work arrived: try again now, unless the server asked us to wait.
    if (this.paused && (this.paused.kind === 'halt' || (opts.pull && this.paused.kind === 'network'))) this.paused = null;
    this.wake?.();
  }

  status(): SyncStatus {
    const backlog = this.store.backlog();
    return {
      configured: true,
      serverUrl: this.opts.credentials.serverUrl,
      online: this.online,
      paused: this.paused ? { zh: this.paused.zh, en: this.paused.en, until: this.paused.until?.toISOString() ?? null } : null,
      backlog: { jobs: backlog.jobs, bytes: backlog.bytes },
      parked: backlog.parked,
      lastSuccessAt: this.lastSuccessAt?.toISOString() ?? null,
      lastError: this.lastError,
      uploading: this.uploading,
    };
  }

  private emit(force = false): void {
    const t = Date.now();
    // Progress fires per chunk; the status bar needs a few updates a second, not hundreds.
    if (!force && t - this.lastEmit < 250) return;
    this.lastEmit = t;
    this.opts.onChange?.(this.status());
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const worked = await this.step();
        if (!worked) await this.sleep(this.sleepMs());
      } catch (err) {
        // A bug or a store failure: log it and keep the loop alive rather than stop syncing for the day.
        this.opts.log?.('warn', 'sync step failed', { error: String((err as Error)?.stack ?? err) });
        await this.sleep(5_000);
      }
    }
  }

  private sleepMs(): number {
    const now = this.now().getTime();
    let until = this.nextPullAt;
    if (this.paused?.until) until = Math.max(now, this.paused.until.getTime());
    else if (!this.paused) {
      const due = this.store.nextDueAt()?.getTime();
      if (due !== undefined) until = Math.min(until, due);
    }
    return Math.max(50, Math.min(until - now, 60_000));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(t);
        if (self.wake === done) self.wake = null;
        resolve();
      }
      this.wake = done;
    });
  }

  /** One unit of work: a due pull, or one job. Returns false when there was nothing to do. */
  private async step(): Promise<boolean> {
    const now = this.now();
    if (this.paused?.until && this.paused.until <= now) this.paused = null;
    if (this.paused) return false;
    if (this.pullRequested || now.getTime() >= this.nextPullAt) {
      this.pullRequested = false;
      this.nextPullAt = now.getTime() + this.pullIntervalMs;
      await this.guard(() => this.pullAll());
      return true;
    }
    const job = this.store.claimDueJob(now);
    if (!job) return false;
    const ok = await this.guard(() => this.runJob(job), job);
    if (ok) {
      this.store.completeJob(job.id);
      if (job.orderId) this.store.refreshOrderSyncState(job.orderId);
      // Drained: pick up what the server decided meanwhile.
      if (!this.store.nextDueAt()) this.pullRequested = true;
    }
    this.emit(!ok);
    return true;
  }

  /** Runs one network action and turns its failure into the queue's next move. */
  private async guard(action: () => Promise<void>, job?: OutboxJob): Promise<boolean> {
    try {
      await action();
      this.online = true;
      this.networkFailures = 0;
      this.lastSuccessAt = this.now();
      this.lastError = null;
      return true;
    } catch (err) {
      const e = err instanceof SyncError ? err : new SyncError('permanent', `内部错误：${String((err as Error)?.message ?? err)}`, `Internal error: ${String((err as Error)?.message ?? err)}`);
      this.lastError = e.text;
      this.online = e.status !== null; // an HTTP answer means the server is there
      this.opts.log?.('warn', 'sync action failed', { job: job?.id, kind: e.kind, status: e.status, code: e.code, error: e.en });
      if (e.kind === 'throttled') this.paused = { kind: 'throttled', zh: e.zh, en: e.en, until: new Date(this.now().getTime() + (e.retryAfterMs ?? 30_000)) };
      if (e.kind === 'halt') this.paused = { kind: 'halt', zh: e.zh, en: e.en, until: null };
      // No answer at all: the whole queue waits (growing with each failure in a row) instead of
      // marching through a day's backlog, one refused connection per job, while the network is down.
      if (e.kind === 'transient' && e.status === null) {
        this.networkFailures++;
        // Capped lower than a job's backoff: a probe every half minute is cheap, and the backlog
        // should start moving soon after the network returns.
        const wait = Math.min(NETWORK_PROBE_CAP_MS, backoffDelay(this.networkFailures - 1, this.backoff, this.random));
        this.paused = { kind: 'network', zh: '网络不通，稍后自动重试', en: 'No network; retrying automatically', until: new Date(this.now().getTime() + wait) };
      }
      if (job) {
        // The server threw that upload away: start a new one, and stop after a few (a bad disk here?).
        if (e.code === 'PHOTO_HASH_MISMATCH') this.store.setUploadUrl(job.id, null);
        if (e.code === 'PHOTO_HASH_MISMATCH' && job.attempts >= 4) {
          this.store.parkJob(job.id, e.text);
          if (job.orderId) this.store.refreshOrderSyncState(job.orderId);
        } else if (e.kind === 'permanent') {
          this.store.parkJob(job.id, e.text);
          if (job.orderId) this.store.refreshOrderSyncState(job.orderId);
        } else {
          // throttled/halted jobs are not the job's fault: retry without growing its backoff much
          const attempt = e.kind === 'transient' ? job.attempts : 0;
          this.store.retryJob(job.id, new Date(this.now().getTime() + backoffDelay(attempt, this.backoff, this.random)), e.text);
        }
      } else if (e.kind === 'transient' || e.kind === 'permanent') {
        // a failed pull waits for the next interval, but sooner while the network is flaky
        this.nextPullAt = this.now().getTime() + Math.min(this.pullIntervalMs, backoffDelay(2, this.backoff, this.random));
      }
      return false;
    } finally {
      this.uploading = null;
    }
  }

  private async runJob(job: OutboxJob): Promise<void> {
    switch (job.kind) {
      case 'order.upsert':
        return this.pushOrder(job);
      case 'photo.upload':
        return this.pushPhoto(job);
      case 'student.correction':
        return this.pushCorrection(job);
      default:
        throw new SyncError('permanent', `未知的同步任务类型 ${job.kind}`, `Unknown sync job kind ${job.kind}`);
    }
  }

  private async pushOrder(job: OutboxJob): Promise<void> {
    const orderId = job.orderId!;
    const upload = this.store.orderUpload(orderId);
    if (!upload) return; // the order is gone (never happens today: orders are voided, not deleted)
    const result = await requestJson(this.opts.credentials.serverUrl, PATHS.order(orderId), {
      method: 'PUT',
      body: upload,
      auth: this.auth,
      schema: OrderUploadResult,
      timeoutMs: this.requestTimeoutMs,
    });
    this.store.orderAccepted(upload, result);
  }

  private async pushCorrection(job: OutboxJob): Promise<void> {
    const body = this.store.correctionUpload(job);
    if (!body) return;
    await requestJson(this.opts.credentials.serverUrl, PATHS.correction(job.id), {
      method: 'PUT',
      body,
      auth: this.auth,
      schema: StudentCorrectionResult,
      timeoutMs: this.requestTimeoutMs,
    });
  }

  private async pushPhoto(job: OutboxJob): Promise<void> {
    const photo = this.store.photoToUpload(job);
    if (!photo) return; // the server already holds it (told by the order's answer)
    const endpoint = new URL(PATHS.uploads, this.opts.credentials.serverUrl).toString();
    this.uploading = { orderId: photo.orderId, role: photo.role, sent: 0, total: photo.bytes };
    await uploadPhoto(photo, {
      endpoint,
      auth: this.auth,
      resumeUrl: job.uploadUrl,
      attempts: job.attempts,
      idleTimeoutMs: this.uploadIdleTimeoutMs,
      onUrl: (url) => this.store.setUploadUrl(job.id, url),
      onProgress: (sent, total) => {
        this.uploading = { orderId: photo.orderId, role: photo.role, sent, total };
        this.emit();
      },
    });
  }

  private async pullAll(): Promise<void> {
    for (const feed of FEEDS) {
      for (let page = 0; page < 1000; page++) {
        const cursor = this.store.cursor(feed);
        const result = await requestJson(this.opts.credentials.serverUrl, `${PATHS.feed(feed)}?cursor=${cursor}&limit=500`, {
          method: 'GET',
          auth: this.auth,
          schema: feedPage(feed),
          timeoutMs: this.requestTimeoutMs,
        });
        if (result.items.length || result.cursor !== cursor) this.store.applyFeedPage(feed, result);
        if (result.items.length) this.opts.onPulled?.(feed, result.items.length);
        if (!result.more) break;
      }
    }
    this.emit(true);
  }
}
