import { insertAppRun, touchAppRun } from '../db/queries/appRuns.js';
import { createLogger } from '../log/logger.js';
import type { AppContext } from './AppContext.js';

const log = createLogger('versions');

/** How often a running station notes that it is still running (the last time a day report can
 * name for a run that ended without a clean close: a power cut, a crash). */
export const APP_RUN_HEARTBEAT_MS = 5 * 60_000;

export interface VersionLog {
  runId: number;
  /** At a clean close: the run was seen until now. */
  stop(): void;
}

/**
 * Records this start of the station and the version it is (issue 16: the day report lists the
 * versions a station ran that day), then keeps the run's last-seen time current while it runs.
 * One station process per data folder (stationLock), so the newest run is always this one.
 */
export function startVersionLog(ctx: Pick<AppContext, 'db' | 'version' | 'now'>): VersionLog {
  const runId = insertAppRun(ctx.db, ctx.version, ctx.now().toISOString());
  log.info('station started', { version: ctx.version, runId });
  const touch = () => touchAppRun(ctx.db, runId, ctx.now().toISOString());
  const timer = setInterval(() => {
    try {
      touch();
    } catch (err) {
      // A full disk or a busy store: the next beat tries again; the run's start is already kept.
      log.warn('could not note the run as alive', { error: String(err) });
    }
  }, APP_RUN_HEARTBEAT_MS);
  timer.unref();
  return {
    runId,
    stop() {
      clearInterval(timer);
      touch();
    },
  };
}
