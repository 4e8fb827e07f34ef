import type { ColumnType } from 'kysely';

/**
 * The central server's tables as Kysely sees them. One query code serves SQLite and PostgreSQL, so
 * types stay portable: instants are ISO-8601 text, flags are 0/1 integers, JSON is text, and the
 * feed sequence is a bigint that pg hands back as a string (read it through `Number`).
 */
type BigIntColumn = ColumnType<number | string, number, number>;

export interface FeedCounterTable {
  id: number;
  seq: BigIntColumn;
}

/** The change log behind every feed: one row per (feed, key) carrying the seq of its latest change. */
export interface ChangesTable {
  feed: string;
  item_key: string;
  seq: BigIntColumn;
}

export interface ServerMetaTable {
  key: string;
  value: string;
}

export interface StationsTable {
  device_id: string;
  credential_hash: string;
  station_id: string;
  station_name: string;
  enrolled_at: string;
  last_seen_at: string | null;
  revoked_at: string | null;
}

export interface EnrolCodesTable {
  code_hash: string;
  label: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  used_by: string | null;
  /** Made for this station id (0004): the enrolling station must claim it. */
  station_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The task codes the station will work on, JSON. */
  tasks_json: ColumnType<string, string | undefined, string>;
  /** 1: re-issues station_id (a replaced laptop): its earlier devices are revoked. */
  reissue: ColumnType<number, number | undefined, number>;
}

export interface StationTasksTable {
  station_id: string;
  task_code: string;
}

/** Which stations uploaded a photo's bytes (0004): an order may name only its own station's photos. */
export interface PhotoHoldersTable {
  sha256: string;
  station_id: string;
  received_at: string;
}

/** The review page's browser sessions (0004): the cookie holds a random id, the row its hash. */
export interface ReviewSessionsTable {
  id_hash: string;
  /** Fingerprint of the admin token the session was opened with: a new token ends every session. */
  admin_fp: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
}

/** Admin actions that move trust: re-issuing or revoking a station, its tasks, an order's takeover. */
export interface AdminAuditTable {
  id: string;
  at: string;
  action: string;
  target: string;
  reason: string | null;
  detail_json: string;
}

export interface TasksTable {
  code: string;
  name: string;
  school_name: string;
  school_code: string;
  site: string;
  session_dates: string;
  slots: string;
  spec_id: string;
  price_cents: number;
  public_key: string;
  /** The task's Ed25519 secret, AES-256-GCM sealed with the server's master key (files/masterKey.ts). */
  secret_sealed: string;
  /** The 特征码's format and the check-in mode (0005); see src/shared/checkin/taskRules.ts. */
  feature_code_length: ColumnType<number, number | undefined, number>;
  feature_code_alphabet: ColumnType<string, string | undefined, string>;
  checkin_mode: ColumnType<string, string | undefined, string>;
  /** What a photographer may do at this task's stations, 0/1 (0007); see src/shared/domain/taskRights.ts. */
  photographer_may_withdraw: ColumnType<number, number | undefined, number>;
  photographer_may_set_camera: ColumnType<number, number | undefined, number>;
  created_at: string;
  updated_at: string;
}

export interface StudentsTable {
  id: string;
  task_code: string;
  /** roster: imported by the admin; walkin: registered on site; station: named by a station's order but unknown here. */
  source: string;
  name: string;
  gender: string | null;
  id_number_sealed: string | null;
  /** HMAC of the ID number: finds a re-imported student without storing the number in clear. */
  id_number_hmac: string | null;
  id_last4: string | null;
  student_no: string | null;
  exam_no: string | null;
  school_name: string;
  school_code: string | null;
  department: string | null;
  major: string | null;
  edu_level: string | null;
  edu_category: string | null;
  class_name: string | null;
  xuexin_digest: string | null;
  feature_code_digest: string | null;
  replaces_student_id: string | null;
  walkin_sealed: string | null;
  /** The `at` of the last station correction applied (0002). */
  corrected_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ReservationsTable {
  id: string;
  task_code: string;
  student_id: string;
  slot_id: string | null;
  slot_date: string | null;
  payment_state: string;
  state: string;
  /** none / to_settle / settled / to_refund / refunded: what the (absent) payment provider should do. */
  settlement: string;
  token: string | null;
  created_at: string;
  updated_at: string;
  cancelled_at: string | null;
  cancel_reason: string | null;
}

export interface OrdersTable {
  id: string;
  revision: number;
  task_code: string;
  student_id: string;
  reservation_id: string | null;
  station_id: string;
  station_name: string;
  device_id: string;
  operator_json: string | null;
  /** The station's status at this revision (已签到/采集中/已采集/已作废). */
  station_status: string;
  /** The server's business status (a station status until photos and review move it). */
  status: string;
  checked_in_at: string | null;
  captured_at: string | null;
  photos_json: string;
  checks_json: string | null;
  face_match_json: string | null;
  /** The random token of the student's receipt QR: the key of the public status page /r/<token>. */
  receipt_token: string | null;
  current: number;
  conflict: number;
  /** 1 once other stations of the task must see it (rejected, or two stations on one student); sticky (0004). */
  shared: ColumnType<number, number | undefined, number>;
  reason: string | null;
  decided_at: string | null;
  decided_revision: number | null;
  received_at: string;
  updated_at: string;
}

export interface OrderPhotosTable {
  order_id: string;
  role: string;
  sha256: string;
}

export interface PhotosTable {
  sha256: string;
  bytes: number;
  path: string;
  received_at: string;
}

export interface DecisionsTable {
  id: string;
  order_id: string;
  revision: number;
  decision: string;
  status_after: string;
  reason: string | null;
  decided_by: string;
  decided_at: string;
}

export interface CorrectionsTable {
  id: string;
  task_code: string;
  student_id: string;
  station_id: string;
  device_id: string;
  operator_json: string | null;
  at: string;
  reason: string | null;
  /** The corrected fields as sent (they may hold an ID number), sealed with the master key. */
  fields_sealed: string;
  applied: number;
  received_at: string;
}

export interface SessionClosuresTable {
  task_code: string;
  date: string;
  closed_at: string;
}

/**
 * The admission photo a station sent with one of its orders (0006), for the reviewer to set beside
 * the capture. The bytes are sealed with the master key in the file at `path` (relative to
 * <data>/admission); nothing else on disk or in the database holds them.
 */
export interface OrderAdmissionPhotosTable {
  order_id: string;
  /** The station that sent it (the order's owner at the time). */
  station_id: string;
  /** sha256 of the plain bytes, as the station named them. */
  sha256: string;
  bytes: number;
  /** What sharp read from it on arrival: jpeg, png, webp or tiff. */
  format: string;
  width: number;
  height: number;
  path: string;
  received_at: string;
}

export interface ServerDatabase {
  feed_counter: FeedCounterTable;
  changes: ChangesTable;
  server_meta: ServerMetaTable;
  stations: StationsTable;
  enrol_codes: EnrolCodesTable;
  tasks: TasksTable;
  students: StudentsTable;
  reservations: ReservationsTable;
  orders: OrdersTable;
  order_photos: OrderPhotosTable;
  photos: PhotosTable;
  decisions: DecisionsTable;
  session_closures: SessionClosuresTable;
  corrections: CorrectionsTable;
  station_tasks: StationTasksTable;
  photo_holders: PhotoHoldersTable;
  review_sessions: ReviewSessionsTable;
  admin_audit: AdminAuditTable;
  order_admission_photos: OrderAdmissionPhotosTable;
}
