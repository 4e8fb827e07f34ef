import type { Migration } from './types.js';

/** A capture now carries what finishing made of it: the finished file, the face geometry it was
 * cropped by and the verdict's overall status (the full verdict stays in still_checks as JSON). */
export const m0003CaptureResults: Migration = {
  version: 3,
  name: 'capture-results',
  up: `
ALTER TABLE captures ADD COLUMN finished_path TEXT;
ALTER TABLE captures ADD COLUMN finished_sha256 TEXT;
ALTER TABLE captures ADD COLUMN verdict_status TEXT CHECK (verdict_status IN ('pass', 'warn', 'fail'));
ALTER TABLE captures ADD COLUMN face TEXT;
ALTER TABLE captures ADD COLUMN width INTEGER;
ALTER TABLE captures ADD COLUMN height INTEGER;
`,
};
