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
