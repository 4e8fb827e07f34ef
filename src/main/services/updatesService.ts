import type { Operator } from '../../shared/domain/entities.js';
import { AppError } from '../../shared/errors.js';
import type { UpdateChannel, UpdateReason, UpdateStatus } from '../../shared/updates/updateStatus.js';
import { writeAudit } from '../db/queries/audit.js';
import { listActivePrintJobs } from '../db/queries/printJobs.js';
import type { ActivityTracker } from '../app/stationActivity.js';
import { INSTALL_REASON_WORDS, installReasons, targetVersion, type InstallReason, type StationActivity, type UpdaterState } from '../app/updatePolicy.js';
import type { StationSync } from '../sync/stationSync.js';
import type { AppContext } from './AppContext.js';

/**
 * What the station's updater offers the rest of the main side. Only the installed Electron app has
 * one (src/main/app/electron/updater.ts, over electron-updater); it registers it in the app context
 * at start. The web shell and an unpackaged run have none.
 */
export interface UpdaterHook {
  /** What was offered, what is downloading, what electron-updater downloaded and verified. */
  state(): UpdaterState;
  channel(): UpdateChannel;
  /** Percent of the download under way, as electron-updater last reported it. */
  downloadPercent(): number | null;
  /** What the operator is doing, as the shell saw every renderer call and event pass. */
  readonly activity: ActivityTracker;
  /** Carries out an install the policy allows now; says why not otherwise. Returns at once. */
  installNow(): { started: boolean; why: string | null };
}

/** Where the shell puts its updater (createAppContext makes one per station). */
export interface UpdaterSlot {
  register(hook: UpdaterHook): void;
  current(): UpdaterHook | null;
}

export function createUpdaterSlot(): UpdaterSlot {
  let hook: UpdaterHook | null = null;
  return {
    register(h) {
      hook = h;
    },
    current: () => hook,
  };
}

export type UpdatesContext = Pick<AppContext, 'db' | 'version' | 'now'> & { sync: Pick<StationSync, 'status'>; updates: UpdaterSlot };

/** The station's activity for the update policy: the shell's tracker, the sync engine's outbox, the print queue. */
export function activityNow(ctx: Pick<AppContext, 'db' | 'now'> & { sync: Pick<StationSync, 'status'> }, tracker: ActivityTracker): StationActivity {
  return tracker.snapshot(ctx.now(), ctx.sync.status(), listActivePrintJobs(ctx.db).length);
}

const NO_UPDATER = {
  zh: '本窗口不安装更新：更新只由已安装的采集站应用（Electron）从中心服务器下载并安装',
  en: 'This window installs no updates: updates are downloaded from the central server and installed by the installed (Electron) app only',
};

const words = (r: InstallReason): UpdateReason => ({ code: r, ...INSTALL_REASON_WORDS[r] });

/** The manager screen's view of versions and updates, decided by the pure update policy. */
export function updateStatus(ctx: UpdatesContext): UpdateStatus {
  const hook = ctx.updates.current();
  if (!hook) {
    const reason = { code: 'no_updater', ...NO_UPDATER };
    return { running: ctx.version, unavailable: NO_UPDATER, updater: null, install: { allowed: false, version: null, reasons: [reason] }, autoInstall: { reasons: [reason] } };
  }
  const state = hook.state();
  const activity = activityNow(ctx, hook.activity);
  const now = installReasons(state, activity, 'manager');
  const download: NonNullable<UpdateStatus['updater']>['download'] =
    state.downloading !== null
      ? { state: 'downloading', version: state.downloading, percent: hook.downloadPercent() }
      : state.downloaded !== null
        ? { state: 'verified', version: state.downloaded, percent: null }
        : { state: 'none', version: null, percent: null };
  return {
    running: ctx.version,
    unavailable: null,
    updater: { channel: hook.channel(), offered: state.offered, lastCheckAt: state.lastCheckAt?.toISOString() ?? null, download },
    install: { allowed: now.length === 0, version: targetVersion(state), reasons: now.map(words) },
    autoInstall: { reasons: installReasons(state, activity, 'end_of_day').map(words) },
  };
}

/**
 * The site manager's 安装更新. Refused, in both languages, unless the policy allows a manager's
 * install now (nobody photographed, no export or print job; photos still queued are fine: the
 * outbox is on disk and resumes after the restart). The command is audited before the app quits.
 */
export function installUpdate(ctx: UpdatesContext, operator: Operator): { started: true; version: string } {
  const hook = ctx.updates.current();
  if (!hook) throw new AppError('CONFLICT', NO_UPDATER);
  const state = hook.state();
  const reasons = installReasons(state, activityNow(ctx, hook.activity), 'manager');
  if (reasons.length > 0) {
    throw new AppError('CONFLICT', {
      zh: `现在不能安装更新：${reasons.map((r) => INSTALL_REASON_WORDS[r].zh).join('；')}`,
      en: `The update cannot be installed now: ${reasons.map((r) => INSTALL_REASON_WORDS[r].en).join('; ')}`,
    });
  }
  const version = targetVersion(state)!;
  const at = ctx.now().toISOString();
  writeAudit(ctx.db, { at, operatorId: operator.id, action: 'updates.install', detail: { running: ctx.version, version, channel: hook.channel() } });
  const r = hook.installNow();
  if (!r.started) {
    writeAudit(ctx.db, { at: ctx.now().toISOString(), operatorId: operator.id, action: 'updates.install_failed', detail: { running: ctx.version, version, why: r.why } });
    throw new AppError('CONFLICT', { zh: `更新未能开始安装（${r.why ?? '原因不明'}），请稍后再试`, en: `The update did not start installing (${r.why ?? 'no reason given'}); try again later` });
  }
  return { started: true, version };
}
