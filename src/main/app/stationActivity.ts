import type { SyncStatus } from '../../shared/sync/syncStatus.js';
import type { StationActivity } from './updatePolicy.js';

/**
 * What the update policy needs to know about the station, gathered where the shell can see it:
 * every renderer call passes through the shell (operator input, captures), export progress
 * arrives as events, print jobs and the outbox are in the store. Pure apart from the clock the
 * caller passes in, so the rules about what counts as "busy" are tested without Electron.
 */
export interface ActivityOptions {
  /** A capture begun and then left for this long (no capture call on it) no longer holds updates back. */
  abandonedCaptureMinutes: number;
  /** Local hour (0–23) from which the working day is over. */
  endOfDayHour: number;
}

export const DEFAULT_ACTIVITY_OPTIONS: ActivityOptions = { abandonedCaptureMinutes: 30, endOfDayHour: 19 };

export class ActivityTracker {
  private lastInputAt: number;
  /** Orders being photographed, with the time of their last capture call. */
  private readonly captures = new Map<string, number>();
  private exporting = false;

  constructor(
    now: Date,
    private readonly opts: ActivityOptions = DEFAULT_ACTIVITY_OPTIONS,
  ) {
    this.lastInputAt = now.getTime();
  }

  /** Every call a renderer makes (the operator did something). */
  onCall(name: string, input: unknown, now: Date): void {
    this.lastInputAt = now.getTime();
    if (!name.startsWith('capture.')) return;
    const orderId = typeof input === 'object' && input !== null && typeof (input as { orderId?: unknown }).orderId === 'string' ? (input as { orderId: string }).orderId : null;
    if (!orderId) return;
    if (name === 'capture.accept' || name === 'capture.end') this.captures.delete(orderId);
    else if (name === 'capture.begin' || this.captures.has(orderId)) this.captures.set(orderId, now.getTime());
  }

  /** Events the station emits (export progress and its end). */
  onEvent(name: string): void {
    if (name === 'export.progress') this.exporting = true;
    else if (name === 'export.finished') this.exporting = false;
  }

  snapshot(now: Date, sync: SyncStatus, activePrintJobs: number): StationActivity {
    const t = now.getTime();
    for (const [orderId, at] of this.captures) if (t - at >= this.opts.abandonedCaptureMinutes * 60_000) this.captures.delete(orderId);
    return {
      online: sync.online === true,
      enrolled: sync.configured,
      capturing: this.captures.size > 0,
      exporting: this.exporting,
      printing: activePrintJobs > 0,
      outboxJobs: sync.backlog.jobs,
      uploading: sync.uploading !== null,
      idleMinutes: Math.max(0, (t - this.lastInputAt) / 60_000),
      afterHours: now.getHours() >= this.opts.endOfDayHour,
    };
  }
}
