import type { Migration } from './types.js';

/** Check-in paths beyond the roster: a 学信网 code that matched nobody is kept (encrypted) on the
 * walk-in student created for it, so the server can resolve who it was; a walk-in carries the form's
 * request id so a retried registration finds the first one. Reservations are looked up by
 * the token's rid, which is the primary key already; the feature-code path narrows by last 4 first. */
export const m0002CheckinIdentification: Migration = {
  version: 2,
  name: 'checkin-identification',
  up: `
ALTER TABLE students ADD COLUMN pending_code_enc TEXT;
ALTER TABLE students ADD COLUMN walkin_request_id TEXT;
CREATE UNIQUE INDEX students_walkin_request ON students(walkin_request_id) WHERE walkin_request_id IS NOT NULL;
CREATE INDEX students_task_feature ON students(task_code, id_last4, feature_code_digest) WHERE feature_code_digest IS NOT NULL;
`,
};
