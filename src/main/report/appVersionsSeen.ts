import type { AppRunRow } from '../db/queries/appRuns.js';

export interface VersionSeen {
  version: string;
  firstSeenAt: string;
  lastSeenAt: string;
  starts: number;
}

/**
 * The versions the station ran in [start, end), from its runs (one per start, see
 * services/updatesVersionLog.ts). Times are clipped to the range: a run left open overnight counts
 * from the range's first moment and to its last. The newest run is the station running now (one
 * process per data folder), so it is seen until `now`, not only until its last heartbeat.
 */
export function appVersionsSeen(runs: readonly AppRunRow[], currentRunId: number | null, range: { start: string; end: string }, now: Date): VersionSeen[] {
  const endMs = new Date(range.end).getTime() - 1;
  const startMs = new Date(range.start).getTime();
  const byVersion = new Map<string, { first: number; last: number; starts: number }>();
  for (const run of runs) {
    const started = new Date(run.started_at).getTime();
    let lastSeen = new Date(run.last_seen_at).getTime();
    if (run.id === currentRunId) lastSeen = Math.max(lastSeen, now.getTime());
    const first = Math.max(started, startMs);
    const last = Math.min(lastSeen, endMs);
    if (last < first) continue;
    const v = byVersion.get(run.version) ?? { first, last, starts: 0 };
    v.first = Math.min(v.first, first);
    v.last = Math.max(v.last, last);
    if (started >= startMs && started <= endMs) v.starts += 1;
    byVersion.set(run.version, v);
  }
  return [...byVersion]
    .map(([version, v]) => ({ version, firstSeenAt: new Date(v.first).toISOString(), lastSeenAt: new Date(v.last).toISOString(), starts: v.starts }))
    .sort((a, b) => a.firstSeenAt.localeCompare(b.firstSeenAt) || a.version.localeCompare(b.version));
}
