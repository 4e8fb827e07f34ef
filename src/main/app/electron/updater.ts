import electronUpdater from 'electron-updater';
import type { CancellationToken as Token } from 'electron-updater';
import { z } from 'zod';
import { getSetting } from '../../db/queries/settings.js';
import { createLogger } from '../../log/logger.js';
import { activityNow, type UpdaterHook } from '../../services/updatesService.js';
import type { StationContext } from '../createAppContext.js';
import type { ActivityTracker } from '../stationActivity.js';
import { decideUpdate, DEFAULT_UPDATE_SETTINGS, initialUpdaterState, updaterReduce, type UpdateDecision, type UpdaterState } from '../updatePolicy.js';

const { autoUpdater, CancellationToken } = electronUpdater;
const log = createLogger('updater');

/** The channel answer of the central server (server/updates/updateRoutes.ts). */
const ChannelInfo = z.object({ channel: z.enum(['stable', 'pilot']), version: z.string().nullable(), pinned: z.boolean() });
const Channel = z.enum(['stable', 'pilot']);

const TICK_MS = 60_000;

/** The updater the shell registers in the app context (ctx.updates): the manager screen's
 * updates.status and updates.install read and drive it through src/main/services/updatesService.ts. */
export interface StationUpdater extends UpdaterHook {
  /** The site manager's 安装更新: installs now if nobody is being photographed; says why not otherwise. */
  installNow(): { started: boolean; why: string | null };
  state(): UpdaterState;
  stop(): void;
}

/**
 * electron-updater driven by the pure update policy (../updatePolicy.ts): the feed is the central
 * server this station enrolled with (`/v1/updates/<channel>`, generic provider), every request
 * carries the station credential, nothing downloads or installs by itself (autoDownload and
 * autoInstallOnAppQuit off), and each minute the policy decides the one next step. Runs only in
 * a packaged app: an unpackaged run has no app-update.yml and nothing to replace.
 */
export function startUpdater(ctx: StationContext, activity: ActivityTracker, beforeInstall: () => Promise<void>): StationUpdater {
  let state = initialUpdaterState(ctx.version);
  let token: Token | null = null;
  let installing = false;
  let percent: number | null = null;
  autoUpdater.on('download-progress', (p: { percent: number }) => {
    percent = Math.max(0, Math.min(100, p.percent));
  });
  autoUpdater.autoDownload = false;
  autoUpdater.autoInstallOnAppQuit = false;
  // The channel is the truth: a pinned or rolled-back channel brings an older version back.
  autoUpdater.allowDowngrade = true;
  autoUpdater.logger = { info: (m: unknown) => log.info(String(m)), warn: (m: unknown) => log.warn(String(m)), error: (m: unknown) => log.error(String(m)), debug: () => {} };

  const channel = (): 'stable' | 'pilot' => {
    // Pilot stations are chosen by IT at install time (the environment) or in the station's settings.
    const r = Channel.safeParse(process.env.CAMPUS_CAPTURE_UPDATE_CHANNEL ?? getSetting(ctx.db, 'update.channel') ?? 'stable');
    return r.success ? r.data : 'stable';
  };

  const check = async (): Promise<void> => {
    const access = ctx.sync.serverAccess();
    if (!access) return;
    const base = `${access.serverUrl.replace(/\/+$/, '')}/v1/updates/${channel()}`;
    try {
      const res = await fetch(base, { headers: { authorization: access.authorization } });
      if (!res.ok) throw new Error(`channel answered ${res.status}`);
      const info = ChannelInfo.parse(await res.json());
      state = updaterReduce(state, { kind: 'checked', at: ctx.now(), offered: info.version ? { version: info.version, pinned: info.pinned } : null });
      autoUpdater.setFeedURL({ provider: 'generic', url: base, channel: 'latest', useMultipleRangeRequest: true });
      autoUpdater.requestHeaders = { authorization: access.authorization };
      log.info('update check', { channel: info.channel, offered: info.version, pinned: info.pinned, running: state.running });
    } catch (err) {
      state = updaterReduce(state, { kind: 'check-failed', at: ctx.now() });
      log.warn('update check failed', { error: String(err) });
    }
  };

  const download = async (version: string): Promise<void> => {
    token = new CancellationToken();
    percent = null;
    state = updaterReduce(state, { kind: 'download-started', version });
    try {
      // electron-updater reads latest*.yml again here and refuses anything but the version the
      // channel answered, so a channel moved meanwhile is caught before any bytes are kept.
      const found = await autoUpdater.checkForUpdates();
      if (found?.updateInfo.version !== version) throw new Error(`feed offers ${found?.updateInfo.version ?? 'nothing'}, expected ${version}`);
      await autoUpdater.downloadUpdate(token);
      // Resolves only after the file matched the sha512 in the yml.
      state = updaterReduce(state, { kind: 'download-verified', version });
      log.info('update downloaded and verified', { version });
    } catch (err) {
      state = updaterReduce(state, { kind: 'download-failed', version });
      log.warn('update download failed; nothing changed', { version, error: String(err) });
    } finally {
      token = null;
      percent = null;
    }
  };

  const install = async (d: Extract<UpdateDecision, { action: 'install' }>): Promise<void> => {
    installing = true;
    log.info('installing update', { version: d.version, trigger: d.trigger, from: state.running });
    await beforeInstall();
    autoUpdater.quitAndInstall(true, true);
  };

  const act = (command: 'install' | null): UpdateDecision => {
    const d = decideUpdate(state, activityNow(ctx, activity), ctx.now(), DEFAULT_UPDATE_SETTINGS, command);
    if (installing) return { action: 'none', why: 'installing' };
    switch (d.action) {
      case 'check':
        void check();
        break;
      case 'download':
        void download(d.version);
        break;
      case 'cancel-download':
        log.info('update download yields to a photo upload', { version: d.version });
        token?.cancel();
        break;
      case 'install':
        void install(d).catch((err: unknown) => {
          installing = false;
          log.error('update install failed', { error: String(err) });
        });
        break;
      case 'none':
        break;
    }
    return d;
  };

  const timer = setInterval(() => act(null), TICK_MS);
  timer.unref();
  setTimeout(() => act(null), 10_000).unref();
  return {
    installNow() {
      const d = act('install');
      return d.action === 'install' ? { started: true, why: null } : { started: false, why: d.action === 'none' ? d.why : d.action };
    },
    state: () => state,
    channel,
    downloadPercent: () => percent,
    activity,
    stop() {
      clearInterval(timer);
      token?.cancel();
    },
  };
}
