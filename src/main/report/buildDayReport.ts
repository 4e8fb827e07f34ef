import { AppError } from '../../shared/errors.js';
import { FACE_MATCH_DECISIONS, type FaceMatchDecision } from '../../shared/faceMatch/decision.js';
import { localDayBounds } from '../../shared/localDate.js';
import type { DayReport } from '../../shared/report/reportTypes.js';
import { CHECK_IDS } from '../../shared/spec/specProfile.js';
import type { DayRange } from '../db/queries/export.js';
import {
  countCheckOverrides,
  countFailedChecks,
  countRetakes,
  countRetakesDone,
  countShots,
  listExpectedStudents,
  listReportOrders,
  syncQueueFigures,
} from '../db/queries/report.js';
import { latestAppRunId, listAppRunsBetween } from '../db/queries/appRuns.js';
import { backlog } from '../db/queries/syncQueue.js';
import { getTask } from '../db/queries/tasks.js';
import type { AppContext } from '../services/AppContext.js';
import { appVersionsSeen } from './appVersionsSeen.js';

export type ReportContext = Pick<AppContext, 'db' | 'stationId' | 'stationName' | 'now'>;

/** The working day's hours always show, so a quiet morning reads as zero rather than missing. */
const WORKDAY = [8, 17] as const;

function inRange(iso: string | null, r: DayRange): boolean {
  return iso !== null && iso >= r.dayStart && iso < r.dayEnd;
}

/** Counts the day (or range) from the store, in one read transaction so the figures agree. */
export function buildDayReport(ctx: ReportContext, taskCode: string, from: string, to: string): DayReport {
  const task = getTask(ctx.db, taskCode);
  if (!task) throw new AppError('NOT_FOUND', { zh: `本站没有任务 ${taskCode}`, en: `This station has no task ${taskCode}` });
  if (from > to) throw new AppError('BAD_INPUT', { zh: '开始日期晚于结束日期', en: 'The start date is after the end date' });
  const now = ctx.now();
  const range: DayRange = { task: taskCode, fromDate: from, toDate: to, dayStart: localDayBounds(from, now).start, dayEnd: localDayBounds(to, now).end };
  const data = ctx.db.transaction(() => ({
    orders: listReportOrders(ctx.db, range),
    expected: listExpectedStudents(ctx.db, range),
    failed: countFailedChecks(ctx.db, range),
    overrides: countCheckOverrides(ctx.db, range),
    shots: countShots(ctx.db, range),
    retakesDone: countRetakesDone(ctx.db, range),
    retakes: countRetakes(ctx.db, range),
    queue: syncQueueFigures(ctx.db),
    backlog: backlog(ctx.db),
    runs: listAppRunsBetween(ctx.db, range.dayStart, range.dayEnd),
    currentRun: latestAppRunId(ctx.db),
  }))();

  const here = data.orders.filter((o) => o.station_id === ctx.stationId);
  const checkedIn = here.filter((o) => inRange(o.checked_in_at, range) && o.status !== '已作废');
  const captured = here.filter((o) => inRange(o.captured_at, range) && o.status !== '已作废');
  const noShow = data.expected.filter((e) => e.order_status === null || e.order_status === '已作废').length;
  const otherStation = data.expected.filter((e) => e.order_status !== null && e.order_status !== '已作废' && e.order_station !== ctx.stationId).length;

  // Hours of the local day, summed over the range.
  const hoursSeen = [...checkedIn.map((o) => o.checked_in_at), ...captured.map((o) => o.captured_at)].map((iso) => new Date(iso!).getHours());
  const first = Math.min(WORKDAY[0], ...hoursSeen);
  const last = Math.max(WORKDAY[1], ...hoursSeen);
  const hours = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const stationIds = [...new Set([ctx.stationId, ...captured.map((o) => o.station_id)])];
  const stations = stationIds.map((id) => {
    const perHour = (list: typeof here, at: (o: (typeof here)[number]) => string | null) =>
      hours.map((h) => list.filter((o) => o.station_id === id && new Date(at(o)!).getHours() === h).length);
    return { stationId: id, label: id === ctx.stationId ? ctx.stationName : `其他采集站 ${id.slice(0, 8)}`, captured: perHour(captured, (o) => o.captured_at), checkedIn: perHour(checkedIn, (o) => o.checked_in_at) };
  });

  const failedBy = new Map(data.failed.map((f) => [f.check_id, f.n]));
  const overriddenBy = new Map(data.overrides.map((f) => [f.check_id, f.n]));
  const checkIds = [...new Set<string>([...CHECK_IDS, ...failedBy.keys(), ...overriddenBy.keys()])];
  const failedChecks = checkIds
    .map((checkId) => ({ checkId, failedShots: failedBy.get(checkId) ?? 0, overridden: overriddenBy.get(checkId) ?? 0 }))
    .filter((c) => c.failedShots > 0 || c.overridden > 0)
    .sort((a, b) => b.failedShots - a.failedShots || b.overridden - a.overridden || a.checkId.localeCompare(b.checkId));

  const decisions = new Map<FaceMatchDecision, number>(FACE_MATCH_DECISIONS.map((d) => [d, 0]));
  for (const o of captured) {
    const d = (o.face_match_decision ?? '未比对') as FaceMatchDecision;
    decisions.set(d, (decisions.get(d) ?? 0) + 1);
  }

  const byOperator = new Map<string, number>();
  for (const o of captured) byOperator.set(o.operator_name ?? '—', (byOperator.get(o.operator_name ?? '—') ?? 0) + 1);

  const rangeOrders = here.filter((o) => inRange(o.checked_in_at, range) || inRange(o.captured_at, range));
  const syncCount = (s: 'pending' | 'synced' | 'failed') => rangeOrders.filter((o) => o.sync_state === s).length;
  // Per student accepted in the range, their shots in the range: shots of another day are that
  // day's figures.
  const shotsForAccepted = captured.reduce((s, o) => s + o.shots_in_range, 0);

  return {
    taskCode,
    taskName: task.name,
    schoolName: task.school_name,
    site: task.site,
    stationId: ctx.stationId,
    stationName: ctx.stationName,
    from,
    to,
    generatedAt: now.toISOString(),
    totals: {
      expected: data.expected.length,
      checkedIn: checkedIn.length,
      captured: captured.length,
      notCaptured: checkedIn.filter((o) => o.captured_at === null && (o.status === '已签到' || o.status === '采集中')).length,
      noShow,
      walkins: checkedIn.filter((o) => o.reservation_id === null).length,
      otherStation,
      // Voided in the range, whenever the order was checked in: the day a mistake was put right.
      void: here.filter((o) => o.status === '已作废' && inRange(o.voided_at, range)).length,
    },
    hourly: { hours, stations },
    failedChecks,
    shots: {
      total: data.shots,
      acceptedAfterRetry: captured.filter((o) => o.shots_in_range > 1).length,
      perAccepted: captured.length ? Math.round((shotsForAccepted / captured.length) * 100) / 100 : null,
    },
    faceMatch: {
      outcomes: FACE_MATCH_DECISIONS.map((decision) => ({ decision, count: decisions.get(decision) ?? 0 })),
      overrides: captured.filter((o) => o.face_match_override_reason !== null).length,
    },
    retakes: { pending: data.retakes.pending, rejectedInRange: data.retakes.rejected_in_range, retakenInRange: data.retakesDone },
    sync: {
      backlogJobs: data.backlog.jobs,
      backlogBytes: data.backlog.bytes,
      parkedJobs: data.queue.parked,
      orders: { pending: syncCount('pending'), synced: syncCount('synced'), failed: syncCount('failed') },
      oldestQueuedAt: data.queue.oldest_queued_at,
    },
    operators: [...byOperator].map(([name, n]) => ({ name, captured: n })).sort((a, b) => b.captured - a.captured || a.name.localeCompare(b.name)),
    versions: appVersionsSeen(data.runs, data.currentRun, { start: range.dayStart, end: range.dayEnd }, now),
  };
}
