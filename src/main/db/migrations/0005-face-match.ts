import type { Migration } from './types.js';

/**
 * Admission-photo comparison (录取照片比对):
 * - admission_photos: one per student, from a folder import now and from the server's roster feed
 *   later (source). The photo itself is a sealed file (AES-256-GCM, the station's PII key) under
 *   <data>/admission/; photo_path is null when only an embedding arrived. The 128-d embedding is
 *   computed once and kept sealed too (a face template is biometric data); embedder names the model
 *   that made it, so a model change recomputes it. issues: JSON array of reasons it cannot be compared.
 * - capture_face_matches: the comparison of a shot with the admission photo it was made against
 *   (admission_ref), cached so acceptance reads it inside its transaction.
 * - orders: the accepted shot's decision and the photographer's reason when they confirmed identity
 *   against it (face_match_score exists since 0001); sent to the server as OrderUpload.faceMatch.
 */
export const m0005FaceMatch: Migration = {
  version: 5,
  name: 'face-match',
  up: `
CREATE TABLE admission_photos (
  student_id TEXT PRIMARY KEY REFERENCES students(id),
  task_code TEXT NOT NULL REFERENCES tasks(code),
  ref TEXT NOT NULL,               -- keyed hash of the photo bytes (or of the embedding): its version
  source TEXT NOT NULL CHECK (source IN ('folder', 'sync')),
  photo_path TEXT,                 -- sealed file; NULL when the feed sent only an embedding
  photo_bytes INTEGER,
  width INTEGER,
  height INTEGER,
  embedder TEXT,
  embedding_enc TEXT,              -- sealed base64 of 128 float32; NULL: no usable face
  issues TEXT NOT NULL DEFAULT '[]',
  imported_by TEXT REFERENCES operators(id),
  imported_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX admission_photos_task ON admission_photos(task_code);

CREATE TABLE capture_face_matches (
  capture_id TEXT PRIMARY KEY REFERENCES captures(id),
  admission_ref TEXT NOT NULL,
  embedder TEXT NOT NULL,
  score REAL,
  decision TEXT NOT NULL CHECK (decision IN ('比对通过', '比对不通过', '需人工确认')),
  issues TEXT NOT NULL DEFAULT '[]',
  computed_at TEXT NOT NULL
) STRICT;

ALTER TABLE orders ADD COLUMN face_match_decision TEXT CHECK (face_match_decision IN ('比对通过', '比对不通过', '需人工确认', '未比对'));
ALTER TABLE orders ADD COLUMN face_match_override_reason TEXT;
ALTER TABLE orders ADD COLUMN face_match_issues TEXT;
`,
};
