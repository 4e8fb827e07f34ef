/**
 * When a station checks for, downloads and installs an update. Pure: the Electron shell feeds it
 * what the station is doing and carries out what it answers (electron-updater runs only inside
 * Electron, so everything that can be decided without it is decided, and tested, here).
 *
 * The rules: nobody is ever being photographed while an update installs, photo uploads always go
 * before an update's download, and the central server's channel is the truth about the version
 * (a pinned or rolled-back channel brings an older version back).
 */

/** What the station is doing now, as the main process knows it. */
export interface StationActivity {
  /** The last request to the central server got through. */
  online: boolean;
  /** Enrolled with the central server (updates need the station credential). */
  enrolled: boolean;
  /** A student is checked in and being photographed (capture screen open on an order). */
  capturing: boolean;
  exporting: boolean;
  /** A print job is queued or printing. */
  printing: boolean;
  /** Jobs waiting in the sync outbox (orders, photos). */
  outboxJobs: number;
  /** A photo upload is in flight right now. */
  uploading: boolean;
  /** Minutes since the last operator input on the station. */
  idleMinutes: number;
  /** The station's local time is past the configured end of the working day. */
  afterHours: boolean;
}

export interface UpdateSettings {
  /** Minutes between checks while online. */
  checkEveryMinutes: number;
  /** End-of-day installs wait for this many idle minutes. */
  idleMinutesBeforeInstall: number;
}

export const DEFAULT_UPDATE_SETTINGS: UpdateSettings = { checkEveryMinutes: 60, idleMinutesBeforeInstall: 20 };

/** What the updater knows, kept by the shell between decisions. */
export interface UpdaterState {
  /** The version this app is. */
  running: string;
  /** What the channel serves, from the last check (null before one succeeded). */
  offered: { version: string; pinned: boolean } | null;
  lastCheckAt: Date | null;
  /** A download in flight and its version. */
  downloading: string | null;
  /** A complete download that electron-updater verified against the sha512 in the yml. */
  downloaded: string | null;
}

export const initialUpdaterState = (running: string): UpdaterState => ({ running, offered: null, lastCheckAt: null, downloading: null, downloaded: null });

export type UpdaterEvent =
  | { kind: 'checked'; at: Date; offered: { version: string; pinned: boolean } | null }
  | { kind: 'check-failed'; at: Date }
  | { kind: 'download-started'; version: string }
  /** electron-updater verified the whole file (sha512) and reported it downloaded. */
  | { kind: 'download-verified'; version: string }
  /** A network cut, a sha512 mismatch, a full disk, a cancel: whatever arrived is thrown away. */
  | { kind: 'download-failed'; version: string };

/** State after an updater event. A failed or partial download changes nothing but the flag. */
export function updaterReduce(state: UpdaterState, event: UpdaterEvent): UpdaterState {
  switch (event.kind) {
    case 'checked':
      return { ...state, lastCheckAt: event.at, offered: event.offered };
    case 'check-failed':
      // Counted as a check for the interval (no hammering an unreachable server), offer kept.
      return { ...state, lastCheckAt: event.at };
    case 'download-started':
      return { ...state, downloading: event.version };
    case 'download-verified':
      return state.downloading === event.version ? { ...state, downloading: null, downloaded: event.version } : state;
    case 'download-failed':
      return state.downloading === event.version ? { ...state, downloading: null } : state;
  }
}

/**
 * The version the station should move to, or null. Any difference from the running version
 * counts: the channel may have been pinned to, or rolled back to, an older release on purpose.
 */
export function targetVersion(state: UpdaterState): string | null {
  if (!state.offered) return null;
  return state.offered.version === state.running ? null : state.offered.version;
}

export type InstallBlocker = 'capturing' | 'exporting' | 'printing' | 'outbox' | 'not_idle' | 'working_hours' | 'nothing_downloaded';

export type UpdateDecision =
  | { action: 'none'; why: string }
  | { action: 'check' }
  | { action: 'download'; version: string }
  /** A photo upload started while the update downloads: the download yields (and starts over later). */
  | { action: 'cancel-download'; version: string }
  | { action: 'install'; version: string; trigger: 'manager' | 'end_of_day' };

/** Why an install cannot happen now ([] = it may), for the manager screen as well as the decision. */
export function installBlockers(state: UpdaterState, a: StationActivity, trigger: 'manager' | 'end_of_day', settings: UpdateSettings): InstallBlocker[] {
  const target = targetVersion(state);
  const out: InstallBlocker[] = [];
  if (!target || state.downloaded !== target) out.push('nothing_downloaded');
  if (a.capturing) out.push('capturing');
  if (a.exporting) out.push('exporting');
  if (a.printing) out.push('printing');
  if (trigger === 'end_of_day') {
    // The manager may install with photos still queued (the outbox is on disk and resumes after the
    // restart); unattended, the station waits until everything has gone up.
    if (a.outboxJobs > 0 || a.uploading) out.push('outbox');
    if (a.idleMinutes < settings.idleMinutesBeforeInstall) out.push('not_idle');
    if (!a.afterHours) out.push('working_hours');
  }
  return out;
}

/**
 * The one next step. `command` is the site manager pressing 安装更新 on the manager screen.
 * Order of concern: install (only when nobody is photographed), then download (only when uploads
 * are not competing), then check (only online and enrolled, at the interval).
 */
export function decideUpdate(state: UpdaterState, a: StationActivity, now: Date, settings: UpdateSettings = DEFAULT_UPDATE_SETTINGS, command: 'install' | null = null): UpdateDecision {
  const target = targetVersion(state);
  if (command === 'install') {
    const blockers = installBlockers(state, a, 'manager', settings);
    if (blockers.length === 0) return { action: 'install', version: target!, trigger: 'manager' };
    return { action: 'none', why: `install refused: ${blockers.join(', ')}` };
  }
  if (target && state.downloaded === target && installBlockers(state, a, 'end_of_day', settings).length === 0) {
    return { action: 'install', version: target, trigger: 'end_of_day' };
  }
  if (state.downloading !== null && a.uploading) return { action: 'cancel-download', version: state.downloading };
  if (!a.enrolled) return { action: 'none', why: 'not enrolled' };
  if (!a.online) return { action: 'none', why: 'offline' };
  if (target && state.downloaded !== target && state.downloading === null) {
    // Uploads first: a download only when the outbox is empty or nothing is being sent.
    if (a.uploading) return { action: 'none', why: 'photos uploading' };
    return { action: 'download', version: target };
  }
  const due = state.lastCheckAt === null || now.getTime() - state.lastCheckAt.getTime() >= settings.checkEveryMinutes * 60_000;
  if (due && state.downloading === null) return { action: 'check' };
  return { action: 'none', why: state.downloading ? 'downloading' : target ? 'waiting to install' : 'up to date' };
}

/**
 * Why the 安装更新 button is off (or why the station will not install by itself), in words for the
 * site manager. `nothing_downloaded` is told apart by its cause, from what the policy itself needs
 * before a download: a target version, the station enrolled and online, no download under way.
 */
export type InstallReason = Exclude<InstallBlocker, 'nothing_downloaded'> | 'up_to_date' | 'downloading' | 'not_enrolled' | 'offline' | 'not_downloaded';

export const INSTALL_REASON_WORDS: Record<InstallReason, { zh: string; en: string }> = {
  up_to_date: { zh: '已是中心服务器提供的版本，无需更新', en: 'Already the version the central server offers; nothing to install' },
  downloading: { zh: '更新正在下载，下载并校验完成后才能安装', en: 'The update is downloading; it can be installed once downloaded and verified' },
  not_enrolled: { zh: '本站未登记到中心服务器，无法下载更新', en: 'This station is not enrolled with the central server, so no update can be downloaded' },
  offline: { zh: '本站离线，更新尚未下载', en: 'This station is offline; the update has not been downloaded' },
  not_downloaded: { zh: '更新尚未下载完成（照片上传优先）', en: 'The update has not finished downloading (photo uploads go first)' },
  capturing: { zh: '正在拍摄学生，拍完再安装', en: 'A student is being photographed; install after the capture' },
  exporting: { zh: '正在导出，导出完成后再安装', en: 'An export is running; install after it finishes' },
  printing: { zh: '有打印任务未完成', en: 'A print job is not finished' },
  outbox: { zh: '还有照片或订单未上传（自动安装等到全部上传）', en: 'Photos or orders are still waiting to upload (the automatic install waits for all of them)' },
  not_idle: { zh: '本站刚有人操作（自动安装等到空闲）', en: 'Someone used the station recently (the automatic install waits until it is idle)' },
  working_hours: { zh: '还在工作时间内（自动安装在收工后）', en: 'Still working hours (the automatic install waits for the end of the day)' },
};

/** installBlockers, with "nothing downloaded" said by its cause. [] = the install may go ahead. */
export function installReasons(state: UpdaterState, a: StationActivity, trigger: 'manager' | 'end_of_day', settings: UpdateSettings = DEFAULT_UPDATE_SETTINGS): InstallReason[] {
  return installBlockers(state, a, trigger, settings).map((b): InstallReason => {
    if (b !== 'nothing_downloaded') return b;
    const target = targetVersion(state);
    if (!target) return 'up_to_date';
    if (state.downloading !== null) return 'downloading';
    if (!a.enrolled) return 'not_enrolled';
    if (!a.online) return 'offline';
    return 'not_downloaded';
  });
}
