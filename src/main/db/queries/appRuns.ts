import type { Db } from '../openDatabase.js';
import { stmt } from '../statementCache.js';

export interface AppRunRow {
  id: number;
  version: string;
  started_at: string;
  last_seen_at: string;
}

/** A start of the station, with the version it is; returns the run's id. */
export function insertAppRun(db: Db, version: string, at: string): number {
  return Number(stmt(db, 'INSERT INTO app_runs (version, started_at, last_seen_at) VALUES (?, ?, ?)').run(version, at, at).lastInsertRowid);
}

/** The run is still alive at `at` (never moves back: a clock set back keeps the later time). */
export function touchAppRun(db: Db, id: number, at: string): void {
  stmt(db, 'UPDATE app_runs SET last_seen_at = max(last_seen_at, ?) WHERE id = ?').run(at, id);
}

/** Runs that were alive at some time in [start, end), oldest first; the newest run (the one running
 * now) whenever it started before `end`, since its last heartbeat may lie before `start`. */
export function listAppRunsBetween(db: Db, start: string, end: string): AppRunRow[] {
  return stmt<[string, string], AppRunRow>(
    db,
    'SELECT id, version, started_at, last_seen_at FROM app_runs WHERE started_at < ? AND (last_seen_at >= ? OR id = (SELECT max(id) FROM app_runs)) ORDER BY started_at, id',
  ).all(end, start);
}

export function latestAppRunId(db: Db): number | null {
  return stmt<[], { id: number }>(db, 'SELECT max(id) AS id FROM app_runs').get()?.id ?? null;
}
