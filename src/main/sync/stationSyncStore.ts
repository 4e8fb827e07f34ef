import { statSync } from 'node:fs';
import type { FeedName, FeedPage, OrderUpload, OrderUploadResult, ReservationItem, ReviewItem, RosterItem, StudentCorrectionUpload, TaskItem } from '../../shared/sync/protocol.js';
import type { OutboxJob, ParkedJob, PhotoToUpload, SyncStore } from '../../sync/syncStore.js';
import { upsertReservation } from '../db/queries/reservations.js';
import { findStudentIdByIdHmac, getStudentAnyTask, insertStudent, updateStudentFromRoster, type StudentInsert } from '../db/queries/students.js';
import * as mirror from '../db/queries/syncMirror.js';
import { getOrderFaceMatch } from '../db/queries/admissionPhotos.js';
import { orderStudentId } from '../db/queries/admissionSync.js';
import { enqueueJob } from '../db/queries/outbox.js';
import { admissionPhotoForSync } from '../faceMatch/admissionPhotos.js';
import * as queue from '../db/queries/syncQueue.js';
import { getTask, upsertTaskItem } from '../db/queries/tasks.js';
import { nameInitials } from '../roster/nameInitials.js';
import { identityColumns } from '../security/identityColumns.js';
import type { AppContext } from '../services/AppContext.js';
import type { Verdict } from '../../shared/vision/verdict.js';
import { withdrawalAllowed } from '../../shared/domain/lifecycle.js';
import type { OrderStatus } from '../../shared/domain/status.js';

export interface PulledChanges {
  /** Orders whose status or flags the server changed, to refresh open screens. */
  orders: { taskCode: string; orderId: string }[];
}

/**
 * The sync engine's view of the station's SQLite store. Each method is one transaction; SQL stays in
 * src/main/db/queries. Applying a feed page and storing its cursor commit together, so a crash
 * re-applies at most one page, and every apply is an upsert that can be repeated.
 */
export class StationSyncStore implements SyncStore {
  constructor(
    private readonly ctx: AppContext,
    private readonly onPulled: (changes: PulledChanges) => void = () => undefined,
  ) {}

  private nowIso(): string {
    return this.ctx.now().toISOString();
  }

  resetInterruptedJobs(): number {
    return queue.resetActiveJobs(this.ctx.db, this.nowIso());
  }

  claimDueJob(now: Date): OutboxJob | null {
    const row = queue.claimDueJob(this.ctx.db, now.toISOString());
    if (!row) return null;
    return { id: row.id, kind: row.kind, orderId: row.order_id, payload: JSON.parse(row.payload) as unknown, attempts: row.attempts, uploadUrl: row.upload_url };
  }

  nextDueAt(): Date | null {
    const at = queue.nextDueAt(this.ctx.db);
    return at ? new Date(at) : null;
  }

  completeJob(id: string): void {
    queue.completeJob(this.ctx.db, id, this.nowIso());
  }

  retryJob(id: string, nextAt: Date, error: string): void {
    queue.retryJob(this.ctx.db, id, nextAt.toISOString(), error, this.nowIso());
  }

  parkJob(id: string, reason: string): void {
    queue.parkJob(this.ctx.db, id, reason, this.nowIso());
  }

  setUploadUrl(id: string, url: string | null): void {
    queue.setUploadUrl(this.ctx.db, id, url, this.nowIso());
  }

  requeueParked(): number {
    return this.ctx.db.transaction(() => {
      const { jobs, orderIds } = queue.requeueParked(this.ctx.db, this.nowIso());
      for (const id of orderIds) queue.refreshOrderSyncState(this.ctx.db, id);
      return jobs;
    })();
  }

  orderUpload(orderId: string): OrderUpload | null {
    const o = mirror.getOrderForUpload(this.ctx.db, orderId);
    if (!o) return null;
    const photos: OrderUpload['photos'] = [];
    if (o.finished_sha256 && o.finished_path) photos.push({ role: 'finished', sha256: o.finished_sha256, bytes: fileSize(o.finished_path) });
    if (o.original_sha256 && o.original_path) photos.push({ role: 'original', sha256: o.original_sha256, bytes: fileSize(o.original_path) });
    let checks: OrderUpload['checks'] = null;
    if (o.checks) {
      const verdict = JSON.parse(o.checks) as Verdict;
      checks = {
        status: verdict.status,
        failed: verdict.checks.filter((c) => c.status === 'fail').map((c) => c.id),
        overrides: mirror.listCheckOverrides(this.ctx.db, orderId),
        verdict,
      };
    }
    const walkin =
      o.student_source === 'walkin'
        ? {
            name: o.student_name,
            gender: o.student_gender,
            idNumber: o.student_id_enc ? this.ctx.pii.decrypt(o.student_id_enc) : null,
            studentNo: o.student_no,
            department: o.student_department,
            xuexinCode: o.student_pending_code_enc ? this.ctx.pii.decrypt(o.student_pending_code_enc) : null,
          }
        : null;
    // The reviewer sets the student's admission photo beside the capture; without one the order goes up as it always did.
    const admission = admissionPhotoForSync(this.ctx, o.student_id);
    return {
      id: o.id,
      revision: o.revision,
      taskCode: o.task_code,
      studentId: o.student_server_id ?? o.student_id,
      reservationId: o.reservation_id,
      stationId: o.station_id,
      stationName: this.ctx.stationName.slice(0, 64),
      operator: o.operator_id ? { id: o.operator_id, name: o.operator_name ?? o.operator_id } : null,
      // Business states are the server's; what this station says is where capture stands.
      status: o.status === '已作废' ? '已作废' : o.status === '已签到' || o.status === '采集中' ? o.status : o.captured_at ? '已采集' : '已签到',
      checkedInAt: o.checked_in_at,
      capturedAt: o.captured_at,
      photos,
      checks,
      faceMatch: faceMatchOf(this.ctx, o.id, o.captured_at !== null),
      walkin,
      receiptToken: o.receipt_token,
      voidReason: o.status === '已作废' ? (o.void_reason ?? '作废 / void') : null,
      withdrawal: o.withdrawal_reason && o.withdrawal_at ? { reason: o.withdrawal_reason, at: o.withdrawal_at } : null,
      ...(admission ? { admissionPhoto: { sha256: admission.sha256, bytes: admission.bytes } } : {}),
    };
  }

  orderAccepted(sent: OrderUpload, result: OrderUploadResult): void {
    // The server's missing list speaks of the photos of the order it holds; that is what was sent
    // unless it answered stale. A photo accepted here after the order was read for sending is not
    // in `sent`, and its job must stay queued (it once was marked done unsent: CI's stuck order).
    const held = result.outcome === 'stale' ? [] : sent.photos.map((p) => p.sha256).filter((sha) => !result.missingPhotos.includes(sha));
    // The admission photo is the order's, whatever its revision: the answer says whether the server has it.
    const admission = sent.admissionPhoto ?? null;
    const admissionMissing = admission !== null && result.missingPhotos.includes(admission.sha256);
    if (admission && !admissionMissing) held.push(admission.sha256);
    const changed = this.ctx.db.transaction(() => {
      const now = this.nowIso();
      queue.completeHeldPhotoJobs(this.ctx.db, sent.id, held, now);
      if (admission && admissionMissing) {
        enqueueJob(
          this.ctx.db,
          { id: `photo:${sent.id}:admission:${admission.sha256}`, kind: 'photo.upload', order_id: sent.id, payload: { orderId: sent.id, role: 'admission', sha256: admission.sha256 }, bytes: admission.bytes },
          now,
        );
      }
      // Each upload sends the order as it stands, so older revisions' jobs have nothing left to say.
      queue.completeSubsumedOrderJobs(this.ctx.db, sent.id, sent.revision, now);
      queue.recordServerRevision(this.ctx.db, sent.id, sent.revision, result.serverRevision);
      return result.status ? this.applyServerAnswer(sent, result.status, result.reason ?? null, result.serverRevision, now) : false;
    })();
    if (changed) this.onPulled({ orders: [{ taskCode: sent.taskCode, orderId: sent.id }] });
  }

  /**
   * The station shows what the server holds, not what it sent: a photo sent again after its
   * rejection stays 被驳回; a withdrawal a reviewer overtook is undone (the decision stands); a void
   * refused because the order was produced shows 已完成. True when the order changed.
   */
  private applyServerAnswer(sent: OrderUpload, status: OrderStatus, reason: string | null, serverRevision: number, now: string): boolean {
    const local = mirror.getLocalOrder(this.ctx.db, sent.id);
    if (!local) return false;
    if (sent.withdrawal) mirror.settleWithdrawal(this.ctx.db, sent.id, !withdrawalAllowed(status), now);
    // A void the server refused would make this a second live order if the student was checked in again here.
    if (local.status === '已作废' && status !== '已作废' && mirror.hasOtherLiveOrder(this.ctx.db, sent.id)) return false;
    const before = local.status;
    mirror.applyReview(this.ctx.db, { orderId: sent.id, status, reason, serverRevision, now });
    const after = mirror.getLocalOrder(this.ctx.db, sent.id)!;
    if (after.status === '被驳回' && before !== '被驳回') mirror.markShotsRejected(this.ctx.db, sent.id, reason);
    return after.status !== before || sent.withdrawal !== null;
  }

  photoToUpload(job: OutboxJob): PhotoToUpload | null {
    const p = job.payload as { orderId: string; captureId: string; role: 'original' | 'finished' | 'admission'; sha256: string };
    if (p.role === 'admission') return this.admissionToUpload(p.orderId, p.sha256);
    const c = mirror.getCapturePaths(this.ctx.db, p.captureId);
    const path = p.role === 'original' ? c?.original_path : c?.finished_path;
    if (!c || !path) return null;
    return { path, sha256: p.sha256, bytes: fileSize(path), orderId: p.orderId, role: p.role };
  }

  /** The student's admission photo as it stands now; one replaced since the job was queued is not sent (its replacement has its own job). */
  private admissionToUpload(orderId: string, sha256: string): PhotoToUpload | null {
    const studentId = orderStudentId(this.ctx.db, orderId);
    const current = studentId ? admissionPhotoForSync(this.ctx, studentId) : null;
    if (!current || current.sha256 !== sha256) return null;
    return { path: current.path, sha256, bytes: current.bytes, orderId, role: 'admission', read: current.read };
  }

  correctionUpload(job: OutboxJob): StudentCorrectionUpload | null {
    const p = job.payload as { studentId: string; taskCode?: string; fields: string[]; reason?: string | null; operatorId?: string; operatorName?: string; at?: string };
    const s = getStudentAnyTask(this.ctx.db, p.studentId);
    if (!s) return null;
    const taskCode = s.task_code;
    const current: StudentCorrectionUpload['fields'] = {
      name: s.name,
      gender: s.gender,
      idNumber: s.id_enc ? this.ctx.pii.decrypt(s.id_enc) : null,
      studentNo: s.student_no,
      examNo: s.exam_no,
      department: s.department,
      major: s.major,
      eduLevel: s.edu_level,
      eduCategory: s.edu_category,
      className: s.class_name,
    };
    const fields = Object.fromEntries(Object.entries(current).filter(([k]) => p.fields.includes(k)));
    return {
      id: job.id,
      taskCode,
      studentId: s.server_id ?? s.id,
      stationId: this.ctx.stationId,
      operator: p.operatorId ? { id: p.operatorId, name: p.operatorName ?? p.operatorId } : null,
      at: p.at ?? this.nowIso(),
      reason: p.reason ?? null,
      fields,
    };
  }

  refreshOrderSyncState(orderId: string): void {
    queue.refreshOrderSyncState(this.ctx.db, orderId);
  }

  cursor(feed: FeedName): string {
    return queue.getFeedCursor(this.ctx.db, feed);
  }

  applyFeedPage<F extends FeedName>(feed: F, page: FeedPage<F>): void {
    const changes: PulledChanges = { orders: [] };
    this.ctx.db
      .transaction(() => {
        const now = this.nowIso();
        for (const item of page.items) {
          switch (feed) {
            case 'tasks':
              upsertTaskItem(this.ctx.db, item as TaskItem, now);
              break;
            case 'roster':
              this.applyStudent(item as RosterItem, now);
              break;
            case 'reservations':
              this.applyReservation(item as ReservationItem, now);
              break;
            case 'reviews':
              this.applyReview(item as ReviewItem, now, changes);
              break;
            case 'revocations':
              mirror.cancelReservation(this.ctx.db, (item as { reservationId: string }).reservationId, now);
              break;
          }
        }
        queue.setFeedCursor(this.ctx.db, feed, page.cursor, now);
      })
      .immediate();
    if (changes.orders.length) this.onPulled(changes);
  }

  /** A server student meets the station's row by server id, by the walk-in it replaces, or by ID number. */
  private applyStudent(r: RosterItem, now: string): void {
    const task = getTask(this.ctx.db, r.taskCode);
    if (!task) return; // the tasks feed comes first; a student of a task this station cannot see is skipped
    const identity = identityColumns(this.ctx.pii, r.idNumber);
    const localId =
      mirror.findStudentByServerId(this.ctx.db, r.taskCode, r.id) ??
      (r.replacesStudentId ? mirror.findStudentByServerId(this.ctx.db, r.taskCode, r.replacesStudentId) : undefined) ??
      (identity.id_hmac ? findStudentIdByIdHmac(this.ctx.db, r.taskCode, identity.id_hmac) : undefined);
    const row: StudentInsert = {
      id: localId ?? r.id,
      task_code: r.taskCode,
      name: r.name,
      name_initials: nameInitials(r.name),
      gender: r.gender,
      ...identity,
      student_no: r.studentNo,
      exam_no: r.examNo,
      school_name: r.schoolName || task.school_name,
      school_code: r.schoolCode ?? task.school_code,
      department: r.department,
      major: r.major,
      edu_level: r.eduLevel,
      edu_category: r.eduCategory,
      class_name: r.className,
      xuexin_digest: r.xuexinDigest,
      feature_code_digest: r.featureCodeDigest,
      admission_photo_ref: null,
      source: 'roster',
      pending_code_enc: null,
      walkin_request_id: null,
    };
    if (localId) {
      updateStudentFromRoster(this.ctx.db, localId, row, now);
      if (identity.id_enc) setIdentity(this.ctx, localId, identity, now);
    } else {
      insertStudent(this.ctx.db, row, now);
    }
    mirror.setStudentServerId(this.ctx.db, localId ?? r.id, r.id, now);
  }

  private applyReservation(r: ReservationItem, now: string): void {
    const studentId = mirror.findStudentByServerId(this.ctx.db, r.taskCode, r.studentId);
    if (!studentId || !getTask(this.ctx.db, r.taskCode)) return;
    upsertReservation(
      this.ctx.db,
      { id: r.id, task_code: r.taskCode, student_id: studentId, slot_id: r.slotId, payment_state: r.paymentState, state: r.state, token: r.token },
      now,
    );
  }

  private applyReview(r: ReviewItem, now: string, changes: PulledChanges): void {
    const local = mirror.getLocalOrder(this.ctx.db, r.orderId);
    if (local) {
      if (local.status === '已作废' && r.status !== '已作废' && mirror.hasOtherLiveOrder(this.ctx.db, r.orderId)) return;
      if (r.status === '被驳回' && r.revision >= local.revision && local.status !== '被驳回') mirror.markShotsRejected(this.ctx.db, r.orderId, r.reason);
      mirror.applyReview(this.ctx.db, {
        orderId: r.orderId,
        status: r.status,
        reason: r.reason,
        serverRevision: r.revision,
        current: r.current,
        conflict: r.conflict,
        decidedAt: r.decidedAt,
        now,
      });
      changes.orders.push({ taskCode: local.task_code, orderId: r.orderId });
      return;
    }
    // Another station's order. If this station has none for the student, mirror it so a second
    // check-in here says the student was already photographed there.
    const studentId = mirror.findStudentByServerId(this.ctx.db, r.taskCode, r.studentId);
    if (!studentId || r.stationId === this.ctx.stationId) return;
    mirror.insertMirroredOrder(
      this.ctx.db,
      { id: r.orderId, task_code: r.taskCode, student_id: studentId, status: r.status, station_id: r.stationId, revision: r.revision, reason: r.reason, current: r.current, conflict: r.conflict },
      now,
    );
    changes.orders.push({ taskCode: r.taskCode, orderId: r.orderId });
  }

  backlog(): { jobs: number; bytes: number; parked: ParkedJob[] } {
    const b = queue.backlog(this.ctx.db);
    return {
      jobs: b.jobs,
      bytes: b.bytes,
      parked: queue.listParkedJobs(this.ctx.db).map((j) => ({ id: j.id, kind: j.kind, orderId: j.order_id, studentName: j.student_name, reason: j.last_error ?? '', at: j.updated_at })),
    };
  }
}

function setIdentity(ctx: AppContext, id: string, identity: ReturnType<typeof identityColumns>, now: string): void {
  if (identity.id_enc && identity.id_hmac && identity.id_masked && identity.id_last4) {
    mirror.setStudentIdentityIfMissing(ctx.db, id, { id_enc: identity.id_enc, id_hmac: identity.id_hmac, id_masked: identity.id_masked, id_last4: identity.id_last4 }, now);
  }
}

/** What the station's comparison with the admission photo said; an accepted order with none is 未比对. */
function faceMatchOf(ctx: AppContext, orderId: string, captured: boolean): OrderUpload['faceMatch'] {
  const fm = getOrderFaceMatch(ctx.db, orderId);
  if (!fm?.face_match_decision) return captured ? { score: null, decision: '未比对', overrideReason: null } : null;
  return { score: fm.face_match_score, decision: fm.face_match_decision, overrideReason: fm.face_match_override_reason };
}

/** A photo that vanished from disk still gets a job the server refuses clearly, not a crash here. */
function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 1;
  }
}
