import { z } from 'zod';
import { TimeSlot } from '../domain/entities.js';
import { EduLevel, PaymentState, ReservationState } from '../domain/status.js';
import { CheckinMode, DEFAULT_CHECKIN_MODE, DEFAULT_FEATURE_CODE_FORMAT, FeatureCodeFormat } from '../checkin/taskRules.js';
import { TASK_RIGHTS_FIELDS } from '../domain/taskRights.js';

/**
 * The wire between a station (src/sync) and the central server (server/): HTTP + JSON, every body
 * parsed with these schemas on both ends. Paths are versioned so a newer server can keep serving
 * older stations. Photos travel by tus (resumable uploads), not through these JSON bodies.
 */
export const API = '/v1';
export const PATHS = {
  enrol: `${API}/enrol`,
  whoami: `${API}/whoami`,
  feed: (feed: FeedName) => `${API}/feeds/${feed}`,
  order: (orderId: string) => `${API}/orders/${encodeURIComponent(orderId)}`,
  uploads: `${API}/uploads`,
  correction: (id: string) => `${API}/corrections/${encodeURIComponent(id)}`,
} as const;

/** Header a station sends on every request: `Authorization: Bearer <deviceId>.<secret>`. */
export const AUTH_SCHEME = 'Bearer';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const Iso = z.string().datetime({ offset: true });
const Id = z.string().min(1).max(64);
const TaskCode = z.string().regex(/^[A-Za-z0-9_-]{2,32}$/);

// ---- enrolment -------------------------------------------------------------------------------

export const EnrolRequest = z
  .object({
    /** The one-time code the server admin handed out (shown once, expires). */
    code: z.string().trim().min(6).max(64),
    stationId: Id,
    stationName: z.string().min(1).max(64),
  })
  .strict();
export type EnrolRequest = z.infer<typeof EnrolRequest>;

export const EnrolResponse = z.object({
  deviceId: Id,
  /** The station id the server confirmed for this device (the one the code was made for, or the one claimed). */
  stationId: Id,
  /** The task codes this station is enrolled for: it is sent only their rosters, reservations and reviews. */
  tasks: z.array(TaskCode).max(100),
  /** The device credential: sent as `Bearer <deviceId>.<credential>`; the server stores only its hash. */
  credential: z.string().min(32).max(128),
  serverName: z.string(),
});
export type EnrolResponse = z.infer<typeof EnrolResponse>;

export const WhoAmIResponse = z.object({ deviceId: Id, stationId: Id, stationName: z.string(), serverName: z.string(), serverTime: Iso, tasks: z.array(TaskCode).max(100) });

// ---- change feeds ----------------------------------------------------------------------------

export const FEEDS = ['tasks', 'roster', 'reservations', 'reviews', 'revocations'] as const;
export const FeedName = z.enum(FEEDS);
export type FeedName = z.infer<typeof FeedName>;

/** Opaque to the station: it stores the last one per feed and sends it back. '0' = from the start. */
export const Cursor = z.string().regex(/^\d{1,19}$/);

export const FeedQuery = z.object({
  cursor: Cursor.default('0'),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

export const TaskItem = z.object({
  code: TaskCode,
  name: z.string(),
  schoolName: z.string(),
  schoolCode: z.string(),
  site: z.string(),
  sessionDates: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)),
  slots: z.array(TimeSlot),
  specId: z.string(),
  priceCents: z.number().int().nonnegative(),
  /** base64 of the raw 32-byte Ed25519 public key that verifies this task's reservation tokens. */
  publicKey: z.string(),
  /** The task's 特征码 format and check-in mode; a server from before them sends neither. */
  featureCodeFormat: FeatureCodeFormat.default(DEFAULT_FEATURE_CODE_FORMAT),
  checkinMode: CheckinMode.default(DEFAULT_CHECKIN_MODE),
  /** What a photographer may do at this task's stations (taskRights.ts); a server from before sends neither. */
  ...TASK_RIGHTS_FIELDS,
});
export type TaskItem = z.infer<typeof TaskItem>;

export const RosterItem = z.object({
  id: Id,
  taskCode: TaskCode,
  name: z.string().min(1),
  gender: z.enum(['男', '女']).nullable(),
  /** In clear on the wire (TLS in production); the station encrypts it at rest. */
  idNumber: z.string().regex(/^\d{17}[\dX]$/).nullable(),
  studentNo: z.string().nullable(),
  examNo: z.string().nullable(),
  schoolName: z.string(),
  schoolCode: z.string().nullable(),
  department: z.string().nullable(),
  major: z.string().nullable(),
  eduLevel: EduLevel.nullable(),
  eduCategory: z.string().nullable(),
  className: z.string().nullable(),
  /** SHA-256 hex of the 学信网 采集码 payload and of the upper-cased 特征码. */
  xuexinDigest: Sha256.nullable(),
  featureCodeDigest: Sha256.nullable(),
  /** Walk-ins the server has resolved point at the station-made student they replace. */
  replacesStudentId: Id.nullable().default(null),
});
export type RosterItem = z.infer<typeof RosterItem>;

export const ReservationItem = z.object({
  id: Id,
  taskCode: TaskCode,
  studentId: Id,
  slotId: z.string().nullable(),
  paymentState: PaymentState,
  state: ReservationState,
  token: z.string().nullable(),
});
export type ReservationItem = z.infer<typeof ReservationItem>;

/** Server-owned business states; 已采集 is the station's and never comes back down. */
export const REVIEW_STATUSES = ['待审核', '被驳回', '待制作', '已完成', '已作废'] as const;
export const ReviewStatus = z.enum(REVIEW_STATUSES);

export const ReviewItem = z.object({
  orderId: Id,
  taskCode: TaskCode,
  studentId: Id,
  /** The station that captured this order, so another station shows "captured at 采集站 X". */
  stationId: Id,
  status: ReviewStatus,
  reason: z.string().nullable(),
  /** The revision the decision was made on. */
  revision: z.number().int().positive(),
  /** Two stations captured this student: only the later accepted order is current. */
  current: z.boolean(),
  conflict: z.boolean(),
  decidedAt: Iso.nullable(),
});
export type ReviewItem = z.infer<typeof ReviewItem>;

export const RevocationItem = z.object({
  reservationId: Id,
  taskCode: TaskCode,
  reason: z.string(),
  revokedAt: Iso,
});
export type RevocationItem = z.infer<typeof RevocationItem>;

export const FEED_ITEM = {
  tasks: TaskItem,
  roster: RosterItem,
  reservations: ReservationItem,
  reviews: ReviewItem,
  revocations: RevocationItem,
} as const satisfies Record<FeedName, z.ZodType>;
export type FeedItem<F extends FeedName> = z.infer<(typeof FEED_ITEM)[F]>;

export function feedPage<F extends FeedName>(feed: F) {
  return z.object({
    items: z.array(FEED_ITEM[feed] as (typeof FEED_ITEM)[F]),
    /** Send this back next time; equals the request's cursor when nothing changed. */
    cursor: Cursor,
    /** More items are waiting past `cursor`: ask again at once. */
    more: z.boolean(),
  });
}
export type FeedPage<F extends FeedName> = { items: FeedItem<F>[]; cursor: string; more: boolean };

// ---- orders ----------------------------------------------------------------------------------

export const PHOTO_ROLES = ['original', 'finished'] as const;
export const PhotoRole = z.enum(PHOTO_ROLES);
export type PhotoRole = z.infer<typeof PhotoRole>;

export const PhotoRef = z.object({ sha256: Sha256, bytes: z.number().int().positive().max(200_000_000), role: PhotoRole });

/** Admission photos are ID-photo sized (tens of KB); anything past this is not one, at the station or the server. */
export const ADMISSION_PHOTO_MAX_BYTES = 20 * 1024 * 1024;

/**
 * The admission photo the station holds for the order's student, named by its bytes' sha256, so
 * the reviewer can set it beside the capture. It is not one of the order's photos: the order goes
 * to review without it, and the server keeps it sealed, for this order only.
 */
export const AdmissionPhotoRef = z.object({ sha256: Sha256, bytes: z.number().int().positive().max(ADMISSION_PHOTO_MAX_BYTES) }).strict();
export type AdmissionPhotoRef = z.infer<typeof AdmissionPhotoRef>;

/** The check verdict as the station judged it, kept opaque by the server apart from its status. */
export const CheckSummary = z.object({
  status: z.enum(['pass', 'warn', 'fail']),
  failed: z.array(z.string()).max(64),
  overrides: z.array(z.object({ checkId: z.string(), reason: z.string().max(500) })).max(64),
  verdict: z.unknown(),
});

/** A student registered on site: the server matches it to its roster (or a human does). */
export const WalkinStudent = z.object({
  name: z.string().min(1).max(64),
  gender: z.enum(['男', '女']).nullable(),
  idNumber: z.string().regex(/^\d{17}[\dX]$/).nullable(),
  studentNo: z.string().max(32).nullable(),
  department: z.string().max(64).nullable(),
  /** The raw 学信网 code nobody matched at the station (the server can resolve it with CHSI). */
  xuexinCode: z.string().max(4096).nullable(),
});

export const OrderUpload = z
  .object({
    id: Id,
    revision: z.number().int().positive(),
    taskCode: TaskCode,
    studentId: Id,
    reservationId: Id.nullable(),
    stationId: Id,
    stationName: z.string().max(64),
    operator: z.object({ id: Id, name: z.string().max(64) }).nullable(),
    /** Local status at this revision: 已签到 / 采集中 / 已采集 (or 已作废). */
    status: z.enum(['已签到', '采集中', '已采集', '已作废']),
    checkedInAt: Iso.nullable(),
    capturedAt: Iso.nullable(),
    photos: z.array(PhotoRef).max(2),
    checks: CheckSummary.nullable(),
    faceMatch: z.object({ score: z.number().nullable(), decision: z.string().max(32), overrideReason: z.string().max(500).nullable() }).nullable(),
    walkin: WalkinStudent.nullable(),
    /** The random token in the student's receipt QR (`<server>/r/<token>`): the server's status page for this order. */
    receiptToken: z.string().regex(/^[A-Za-z0-9_-]{22}$/).nullable().default(null),
    /** With 已作废: why the site manager voided it (wrong student, a test shot, a duplicate walk-in). */
    voidReason: z.string().trim().min(1).max(200).nullable().default(null),
    /**
     * 撤回审核: the station took this order back out of review for a new photo, and has not yet
     * heard the server's answer. The server honours it only while no reviewer has decided.
     */
    withdrawal: z.object({ reason: z.string().trim().min(1).max(200), at: Iso }).nullable().default(null),
    /**
     * The student's admission photo at this station, when it has one (the key is left out
     * otherwise, so an order without one goes up exactly as before). The server lists its sha256
     * in `missingPhotos` until it holds those bytes for this order; they go up by tus with role
     * `admission`.
     */
    admissionPhoto: AdmissionPhotoRef.nullable().optional(),
  })
  .strict();
export type OrderUpload = z.infer<typeof OrderUpload>;

/** Every status the server may hold for an order (a station's progress until photos and review move it on). */
export const SERVER_ORDER_STATUSES = ['已签到', '采集中', '已采集', ...REVIEW_STATUSES] as const;

export const OrderUploadResult = z.object({
  /** stored: this revision is now the server's; duplicate: it already was; stale: a newer one is. */
  outcome: z.enum(['stored', 'duplicate', 'stale']),
  serverRevision: z.number().int().positive(),
  /** Photos this order names that the server does not hold yet (its admission photo included): upload exactly these. */
  missingPhotos: z.array(Sha256),
  /**
   * What the server holds for the order after this upload, which the station shows: it may differ
   * from what was sent (a rejected photo sent again stays 被驳回; a withdrawal after a reviewer's
   * decision is refused). Absent from older servers.
   */
  status: z.enum(SERVER_ORDER_STATUSES).optional(),
  reason: z.string().nullable().optional(),
});
export type OrderUploadResult = z.infer<typeof OrderUploadResult>;

// ---- roster corrections ------------------------------------------------------------------

/**
 * A photographer corrected roster data on the card (audited at the station). The values are the
 * student's as they stand when sent; the server keeps every correction (idempotent by id) for the
 * school's records and applies it to its roster.
 */
export const StudentCorrectionUpload = z
  .object({
    id: Id,
    taskCode: TaskCode,
    studentId: Id,
    stationId: Id,
    operator: z.object({ id: Id, name: z.string().max(64) }).nullable(),
    at: Iso,
    reason: z.string().max(500).nullable(),
    fields: z
      .object({
        name: z.string().min(1).max(64),
        gender: z.enum(['男', '女']).nullable(),
        idNumber: z.string().regex(/^\d{17}[\dX]$/).nullable(),
        studentNo: z.string().max(32).nullable(),
        examNo: z.string().max(32).nullable(),
        department: z.string().max(64).nullable(),
        major: z.string().max(64).nullable(),
        eduLevel: EduLevel.nullable(),
        eduCategory: z.string().max(32).nullable(),
        className: z.string().max(64).nullable(),
      })
      .partial(),
  })
  .strict();
export type StudentCorrectionUpload = z.infer<typeof StudentCorrectionUpload>;
export const StudentCorrectionResult = z.object({ outcome: z.enum(['stored', 'duplicate']) });

// ---- uploads (tus) ---------------------------------------------------------------------------

/** What an upload is: one of the order's photos, or the student's admission photo (kept sealed, for that order only). */
export const UPLOAD_ROLES = [...PHOTO_ROLES, 'admission'] as const;
export const UploadRole = z.enum(UPLOAD_ROLES);
export type UploadRole = z.infer<typeof UploadRole>;

/** tus Upload-Metadata keys a station sets; the server refuses an upload without them. */
export const UploadMetadata = z.object({
  sha256: Sha256,
  orderId: Id,
  role: UploadRole,
  filename: z.string().max(200).optional(),
});
export type UploadMetadata = z.infer<typeof UploadMetadata>;

// ---- errors ----------------------------------------------------------------------------------

export const SERVER_ERROR_CODES = [
  'BAD_REQUEST', // body or query failed its schema
  'UNAUTHENTICATED', // no, malformed or unknown credential
  'REVOKED', // the station was revoked by the server admin
  'ENROL_CODE_INVALID', // unknown, used or expired enrolment code
  'NOT_FOUND',
  'TOO_LARGE',
  'UNKNOWN_TASK',
  'PHOTO_HASH_MISMATCH', // the bytes that arrived are not the sha256 the station named
  'CONFLICT', // the request does not fit the server's state (e.g. the order changed task)
  'FORBIDDEN', // authenticated, but not this station's to touch (another station's order, a task it is not enrolled for)
  'RATE_LIMITED',
  'INTERNAL',
] as const;
export const ServerErrorCode = z.enum(SERVER_ERROR_CODES);
export type ServerErrorCode = z.infer<typeof ServerErrorCode>;

/** Every non-2xx JSON answer: a code the station can act on, and words a person can read. */
export const ServerError = z.object({ error: z.object({ code: ServerErrorCode, zh: z.string(), en: z.string(), details: z.array(z.string()).optional() }) });
export type ServerError = z.infer<typeof ServerError>;
