import type { Migration } from './types.js';

/** The station's whole domain as DESIGN §3 draws it. Status columns are CHECK-constrained so a bug
 * cannot invent a state; sync state is its own column, never folded into the business status. */
export const m0001Initial: Migration = {
  version: 1,
  name: 'initial',
  up: `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE operators (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('photographer', 'manager')),
  pin_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE tasks (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  school_name TEXT NOT NULL,
  school_code TEXT NOT NULL,
  site TEXT NOT NULL,
  session_dates TEXT NOT NULL,   -- JSON array of YYYY-MM-DD
  slots TEXT NOT NULL,           -- JSON array of TimeSlot
  spec_id TEXT NOT NULL,
  price_cents INTEGER NOT NULL,
  public_key TEXT,               -- base64 raw Ed25519 key for reservation tokens
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE students (
  id TEXT PRIMARY KEY,
  task_code TEXT NOT NULL REFERENCES tasks(code),
  name TEXT NOT NULL,
  name_initials TEXT NOT NULL,   -- pinyin initials, for search by 拼音首字母
  gender TEXT CHECK (gender IN ('男', '女')),
  id_enc TEXT,                   -- AES-256-GCM, see security/pii.ts
  id_hmac TEXT,                  -- keyed hash: duplicate detection without decrypting
  id_masked TEXT,
  id_last4 TEXT,
  student_no TEXT,
  exam_no TEXT,
  school_name TEXT NOT NULL,
  school_code TEXT,
  department TEXT,
  major TEXT,
  edu_level TEXT CHECK (edu_level IN ('专科', '本科', '硕士', '博士')),
  edu_category TEXT,
  class_name TEXT,
  xuexin_digest TEXT,            -- SHA-256 of the 学信网 采集码 payload
  feature_code_digest TEXT,      -- SHA-256 of the upper-cased 特征码
  admission_photo_ref TEXT,
  source TEXT NOT NULL CHECK (source IN ('roster', 'walkin')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX students_task_id ON students(task_code, id_hmac) WHERE id_hmac IS NOT NULL;
CREATE INDEX students_task_last4 ON students(task_code, id_last4);
CREATE INDEX students_task_student_no ON students(task_code, student_no);
CREATE INDEX students_task_exam_no ON students(task_code, exam_no);
CREATE INDEX students_task_initials ON students(task_code, name_initials);
CREATE INDEX students_xuexin ON students(task_code, xuexin_digest) WHERE xuexin_digest IS NOT NULL;

CREATE TABLE reservations (
  id TEXT PRIMARY KEY,
  task_code TEXT NOT NULL REFERENCES tasks(code),
  student_id TEXT NOT NULL REFERENCES students(id),
  slot_id TEXT,
  payment_state TEXT NOT NULL CHECK (payment_state IN ('预授权', '已扣款', '已退款', '未支付')),
  state TEXT NOT NULL CHECK (state IN ('active', 'used', 'cancelled')),
  token TEXT,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX reservations_student ON reservations(student_id);

CREATE TABLE orders (
  id TEXT PRIMARY KEY,
  task_code TEXT NOT NULL REFERENCES tasks(code),
  student_id TEXT NOT NULL REFERENCES students(id),
  reservation_id TEXT REFERENCES reservations(id),
  status TEXT NOT NULL CHECK (status IN ('已签到', '采集中', '已采集', '待审核', '被驳回', '待制作', '已完成', '已作废')),
  chosen_capture_id TEXT,
  finished_path TEXT,
  checks TEXT,                   -- JSON verdict of the chosen capture
  face_match_score REAL,
  operator_id TEXT REFERENCES operators(id),
  station_id TEXT NOT NULL,
  rejection_reason TEXT,
  needs_match INTEGER NOT NULL DEFAULT 0,  -- walk-in / pending identification: the server resolves who it is
  revision INTEGER NOT NULL DEFAULT 1,
  sync_state TEXT NOT NULL DEFAULT 'pending' CHECK (sync_state IN ('pending', 'synced', 'failed')),
  synced_revision INTEGER,
  sync_error TEXT,
  checked_in_at TEXT,
  captured_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (task_code, student_id)
) STRICT;
CREATE INDEX orders_task_updated ON orders(task_code, updated_at);

CREATE TABLE captures (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders(id),
  original_path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  camera TEXT NOT NULL,
  taken_at TEXT NOT NULL,
  live_checks TEXT,
  still_checks TEXT
) STRICT;
CREATE INDEX captures_order ON captures(order_id);

CREATE TABLE outbox_jobs (
  id TEXT PRIMARY KEY,           -- deterministic: re-adding the same work is a no-op
  kind TEXT NOT NULL,
  order_id TEXT REFERENCES orders(id),
  payload TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'active', 'parked', 'done')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX outbox_due ON outbox_jobs(state, next_attempt_at);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  operator_id TEXT,
  action TEXT NOT NULL,
  entity TEXT,
  entity_id TEXT,
  detail TEXT,                   -- JSON; never a plain ID number
  reason TEXT
) STRICT;
CREATE INDEX audit_at ON audit_log(at);
`,
};
