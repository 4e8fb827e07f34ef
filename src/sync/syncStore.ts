import type { FeedName, FeedPage, OrderUpload, OrderUploadResult, StudentCorrectionUpload, UploadRole } from '../shared/sync/protocol.js';

export type JobKind = 'order.upsert' | 'photo.upload' | 'student.correction';

export interface OutboxJob {
  id: string;
  kind: string;
  orderId: string | null;
  payload: unknown;
  attempts: number;
  uploadUrl: string | null;
}

export interface PhotoToUpload {
  path: string;
  sha256: string;
  bytes: number;
  orderId: string;
  role: UploadRole;
  /** How to get the plain bytes when the file at `path` is sealed at rest (an admission photo): in memory only. */
  read?: () => Promise<Buffer>;
}

/**
 * What the engine needs from the station's store. The main process implements it over its SQLite
 * file (all SQL stays in src/main/db); the engine never sees SQL, so it can be driven by any store.
 * Every method is synchronous and transactional on its own: a crash between two calls leaves a
 * state the engine can resume from (a claimed job is reset to queued at start).
 */
export interface SyncStore {
  /** Jobs left 'active' by a crash go back to the queue. */
  resetInterruptedJobs(): number;
  /** Claims the most urgent due job (orders before photos), or null. */
  claimDueJob(now: Date): OutboxJob | null;
  /** When the next queued job becomes due, for the engine's sleep. */
  nextDueAt(): Date | null;
  completeJob(id: string): void;
  retryJob(id: string, nextAt: Date, error: string): void;
  parkJob(id: string, reason: string): void;
  setUploadUrl(id: string, url: string | null): void;
  /** Parked jobs go back to the queue (the site manager's "retry"). */
  requeueParked(): number;

  /** The order as the server should see it now, or null when the order no longer exists. */
  orderUpload(orderId: string): OrderUpload | null;
  /**
   * The server holds the order as `sent`: jobs for the photos `sent` named and the server already
   * has are done; sync state refreshed. Only those: the order may have gained photos since it was
   * read for sending, and the server's answer says nothing about them.
   */
  orderAccepted(sent: OrderUpload, result: OrderUploadResult): void;
  photoToUpload(job: OutboxJob): PhotoToUpload | null;
  /** The corrected fields as they stand now, or null when the student is gone. */
  correctionUpload(job: OutboxJob): StudentCorrectionUpload | null;
  /** Recomputes the order's sync column (pending / synced / failed) from its jobs. */
  refreshOrderSyncState(orderId: string): void;

  cursor(feed: FeedName): string;
  /** Applies one page and stores its cursor in the same transaction. */
  applyFeedPage<F extends FeedName>(feed: F, page: FeedPage<F>): void;

  backlog(): { jobs: number; bytes: number; parked: ParkedJob[] };
}

export interface ParkedJob {
  id: string;
  kind: string;
  orderId: string | null;
  studentName: string | null;
  reason: string;
  at: string;
}
