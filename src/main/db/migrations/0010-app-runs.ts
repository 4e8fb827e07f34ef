import type { Migration } from './types.js';

/**
 * The app's versions, as the station ran them (issue 16): one row per start of the station with the
 * version it was, and when it was last seen running (a heartbeat while it runs, and at a clean
 * close). The day report lists the versions a day ran with their first and last times; the manager
 * screen shows the running version. Starts are few (a handful a day), so the table stays small.
 */
export const m0010AppRuns: Migration = {
  version: 10,
  name: 'app-runs',
  up: `
CREATE TABLE app_runs (
  id INTEGER PRIMARY KEY,
  version TEXT NOT NULL,
  started_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  CHECK (last_seen_at >= started_at)
);
CREATE INDEX app_runs_last_seen ON app_runs(last_seen_at);
`,
};
