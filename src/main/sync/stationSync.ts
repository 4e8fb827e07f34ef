import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Operator } from '../../shared/domain/entities.js';
import { AppError } from '../../shared/errors.js';
import { EnrolResponse, PATHS } from '../../shared/sync/protocol.js';
import type { SyncStatus } from '../../shared/sync/syncStatus.js';
import { authHeader, requestJson, type Credentials } from '../../sync/serverClient.js';
import { SyncError } from '../../sync/syncError.js';
import { SyncEngine, type EngineOptions } from '../../sync/syncEngine.js';
import { writeAudit } from '../db/queries/audit.js';
import { createLogger } from '../log/logger.js';
import type { AppContext } from '../services/AppContext.js';
import { StationSyncStore } from './stationSyncStore.js';

const log = createLogger('sync');

const CredentialsFile = z.object({ serverUrl: z.string().url(), deviceId: z.string().min(1), credential: z.string().min(32) });

export type EngineTuning = Pick<EngineOptions, 'backoff' | 'pullIntervalMs' | 'requestTimeoutMs' | 'uploadIdleTimeoutMs'>;

/**
 * Hosts the sync engine for the station: keeps the device credential (in the private keys folder,
 * beside the PII key, never in the database), enrols with a server, and turns the engine's state
 * into events for the status bar.
 */
export class StationSync {
  private engine: SyncEngine | null = null;
  private readonly store: StationSyncStore;
  private readonly file: string;

  constructor(
    private readonly ctx: AppContext,
    private readonly tuning: EngineTuning = {},
  ) {
    this.file = join(ctx.dataDir, 'keys', 'sync-credential.json');
    this.store = new StationSyncStore(ctx, (changes) => {
      for (const o of changes.orders) ctx.emit('orders.changed', o);
    });
  }

  start(): void {
    const creds = this.readCredentials();
    if (creds) this.run(creds);
  }

  async stop(): Promise<void> {
    await this.engine?.stop();
    this.engine = null;
  }

  /** Something was queued: send it now rather than at the next tick. */
  kick(opts: { pull?: boolean } = {}): void {
    this.engine?.kick(opts);
  }

  status(): SyncStatus {
    if (this.engine) return this.engine.status();
    const b = this.store.backlog();
    return {
      configured: false,
      serverUrl: null,
      online: null,
      paused: null,
      backlog: { jobs: b.jobs, bytes: b.bytes },
      parked: b.parked,
      lastSuccessAt: null,
      lastError: null,
      uploading: null,
    };
  }

  retryParked(operator: Operator): number {
    const n = this.store.requeueParked();
    writeAudit(this.ctx.db, { at: this.ctx.now().toISOString(), operatorId: operator.id, action: 'sync.retry_parked', detail: { jobs: n } });
    this.kick();
    return n;
  }

  /** One-time code from the server admin → a device credential kept on this station. */
  async enrol(serverUrl: string, code: string, operator: Operator | null): Promise<SyncStatus> {
    let url: URL;
    try {
      url = new URL(serverUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    } catch {
      throw new AppError('BAD_INPUT', { zh: '服务器地址无效（应以 http:// 或 https:// 开头）', en: 'Invalid server address (must start with http:// or https://)' });
    }
    let res: EnrolResponse;
    try {
      res = await requestJson(url.toString(), PATHS.enrol, {
        method: 'POST',
        body: { code, stationId: this.ctx.stationId, stationName: this.ctx.stationName.slice(0, 64) },
        schema: EnrolResponse,
        timeoutMs: 15_000,
      });
    } catch (err) {
      if (err instanceof SyncError) {
        throw new AppError(err.status === null ? 'OFFLINE' : 'ENROL_REFUSED', { zh: `登记失败：${err.zh}`, en: `Enrolment failed: ${err.en}` });
      }
      throw err;
    }
    // The server confirms the id this station's orders carry; a server that says otherwise would
    // refuse every order it sends, so say so now instead of parking a day's work.
    if (res.stationId !== this.ctx.stationId) {
      throw new AppError('ENROL_REFUSED', {
        zh: `登记失败：服务器确认的采集站编号（${res.stationId}）与本站（${this.ctx.stationId}）不符`,
        en: `Enrolment failed: the server confirmed station id ${res.stationId}, this station is ${this.ctx.stationId}`,
      });
    }
    const creds: Credentials = { serverUrl: url.toString(), deviceId: res.deviceId, credential: res.credential };
    await this.stop();
    this.writeCredentials(creds);
    writeAudit(this.ctx.db, { at: this.ctx.now().toISOString(), operatorId: operator?.id ?? null, action: 'sync.enrol', detail: { serverUrl: creds.serverUrl, deviceId: res.deviceId, tasks: res.tasks } });
    log.info('station enrolled', { serverUrl: creds.serverUrl, deviceId: res.deviceId });
    this.run(creds);
    return this.status();
  }

  isEnrolled(): boolean {
    return this.readCredentials() !== null;
  }

  /** The enrolled server and this station's Authorization header, for the updater's downloads. */
  serverAccess(): { serverUrl: string; authorization: string } | null {
    const c = this.readCredentials();
    return c ? { serverUrl: c.serverUrl, authorization: authHeader(c) } : null;
  }

  private run(creds: Credentials): void {
    this.engine = new SyncEngine(this.store, {
      ...this.tuning,
      credentials: creds,
      now: this.ctx.now,
      onChange: (status) => this.ctx.emit('sync.changed', status),
      log: (level, msg, fields) => log[level](msg, fields),
    });
    this.engine.start();
  }

  private readCredentials(): Credentials | null {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return null;
    }
    const parsed = CredentialsFile.safeParse(JSON.parse(text));
    if (!parsed.success) {
      log.warn('sync credential file unreadable; station must enrol again');
      return null;
    }
    return parsed.data;
  }

  /** Written whole or not at all (temp file, fsync, rename): a crash never leaves half a credential. */
  private writeCredentials(c: Credentials): void {
    const tmp = `${this.file}.${randomUUID()}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(c));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }
}
