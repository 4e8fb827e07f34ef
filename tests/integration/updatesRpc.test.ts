import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ActivityTracker } from '../../src/main/app/stationActivity.js';
import { decideUpdate, DEFAULT_UPDATE_SETTINGS, initialUpdaterState, updaterReduce, type UpdaterEvent, type UpdaterState } from '../../src/main/app/updatePolicy.js';
import { packageVersion } from '../../src/main/app/packageRoot.js';
import { listAudit } from '../../src/main/db/queries/audit.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { activityNow, type UpdaterHook } from '../../src/main/services/updatesService.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { detailWords } from '../../src/renderer/components/manager/auditWords.js';
import type { InputOf, OutputOf, ProcedureName } from '../../src/shared/rpc/contract.js';
import { capturableDemoStudents, captureAndAccept } from '../helpers/stationCapture.js';
import { tempApp } from '../helpers/tempApp.js';

type App = Awaited<ReturnType<typeof tempApp>>;

/** A working day in the station's own time zone. */
const at = (hour: number, minute: number) => new Date(2026, 5, 12, hour, minute);

/**
 * The Electron shell's updater, with electron-updater itself replaced: electron-updater runs only
 * inside Electron (it is not installed by this test), so what it would report (an offer, a download
 * under way, a verified download) is fed as the events updater.ts turns its answers into, through
 * the real reducer, and an install is recorded instead of quitting. Everything else is the real
 * thing: the policy, the service and router, the station's outbox and print queue, and an
 * ActivityTracker fed every call the way the shell feeds it (src/main/app/electron/main.ts).
 */
function standInUpdater(app: App, clock: { now: Date }) {
  let state: UpdaterState = initialUpdaterState(app.ctx.version);
  let percent: number | null = null;
  const installs: string[] = [];
  const tracker = new ActivityTracker(clock.now);
  app.ctx.subscribe((name) => tracker.onEvent(name));
  const hook: UpdaterHook = {
    state: () => state,
    channel: () => 'pilot',
    downloadPercent: () => percent,
    activity: tracker,
    installNow() {
      // As updater.ts: the policy decides again on the manager's command, then electron-updater installs.
      const d = decideUpdate(state, activityNow(app.ctx, tracker), clock.now, DEFAULT_UPDATE_SETTINGS, 'install');
      if (d.action !== 'install') return { started: false, why: d.action === 'none' ? d.why : d.action };
      installs.push(d.version);
      return { started: true, why: null };
    },
  };
  /** The renderer's calls as the shell passes them on: noted by the tracker, then dispatched. */
  const shell: App = {
    ...app,
    call: <N extends ProcedureName>(s: Session, name: N, input: InputOf<N>): Promise<OutputOf<N>> => {
      tracker.onCall(name, input, clock.now);
      return app.call(s, name, input);
    },
  };
  return {
    hook,
    shell,
    installs,
    report(event: UpdaterEvent, downloadPercent: number | null = null) {
      state = updaterReduce(state, event);
      percent = downloadPercent;
    },
  };
}

describe('updates on the manager screen: updates.status and updates.install through the real router', () => {
  test('the web shell has no updater: the status says so and still shows the running version; install is refused in words', async () => {
    const app = await tempApp({ demo: true });
    try {
      const manager = await app.loggedIn('9999');
      const status = await app.call(manager, 'updates.status', {});
      assert.equal(status.running, packageVersion());
      assert.equal(status.updater, null);
      assert.match(status.unavailable!.zh, /已安装的采集站应用（Electron）/);
      assert.match(status.unavailable!.en, /installed \(Electron\) app only/);
      assert.deepEqual({ allowed: status.install.allowed, codes: status.install.reasons.map((r) => r.code) }, { allowed: false, codes: ['no_updater'] });
      const refused = await app.raw('updates.install', {}, manager);
      assert.ok(!refused.ok && refused.error.code === 'CONFLICT' && /Electron/.test(refused.error.zh), JSON.stringify(refused));
      // Site managers only.
      const photographer = await app.loggedIn('1234');
      const forbidden = await app.raw('updates.status', {}, photographer);
      assert.ok(!forbidden.ok && forbidden.error.code === 'FORBIDDEN');
      assert.equal(listAudit(app.ctx.db).filter((a) => a.action.startsWith('updates.')).length, 0);
    } finally {
      await app.close();
    }
  });

  test('the status follows the policy; install is refused while a student is photographed, allowed with photos still queued, and audited', async () => {
    const clock = { now: at(10, 0) };
    const app = await tempApp({ demo: true, now: () => clock.now });
    try {
      const updater = standInUpdater(app, clock);
      app.ctx.updates.register(updater.hook);
      const manager = await app.loggedIn('9999');
      const photographer = await updater.shell.loggedIn('1234');
      const status = () => app.call(manager, 'updates.status', {});

      // Nothing offered yet.
      let s = await status();
      assert.equal(s.unavailable, null);
      assert.deepEqual(s.updater, { channel: 'pilot', offered: null, lastCheckAt: null, download: { state: 'none', version: null, percent: null } });
      assert.deepEqual(s.install.reasons.map((r) => r.code), ['up_to_date']);

      // The channel offers 0.2.0 and it downloads.
      updater.report({ kind: 'checked', at: at(10, 1), offered: { version: '0.2.0', pinned: false } });
      updater.report({ kind: 'download-started', version: '0.2.0' }, 40);
      s = await status();
      assert.deepEqual(s.updater!.offered, { version: '0.2.0', pinned: false });
      assert.equal(s.updater!.lastCheckAt, at(10, 1).toISOString());
      assert.deepEqual(s.updater!.download, { state: 'downloading', version: '0.2.0', percent: 40 });
      assert.deepEqual({ allowed: s.install.allowed, version: s.install.version, codes: s.install.reasons.map((r) => r.code) }, { allowed: false, version: '0.2.0', codes: ['downloading'] });
      assert.match(s.install.reasons[0]!.zh, /正在下载/);

      // Downloaded and verified (sha512 against the yml, in electron-updater): the manager may install.
      updater.report({ kind: 'download-verified', version: '0.2.0' });
      s = await status();
      assert.deepEqual(s.updater!.download, { state: 'verified', version: '0.2.0', percent: null });
      assert.equal(s.install.allowed, true);
      // Unattended, it waits: working hours, someone used the station a moment ago.
      assert.deepEqual(s.autoInstall.reasons.map((r) => r.code), ['not_idle', 'working_hours']);

      // A student checked in and on the capture screen: no install, said in both languages, nothing started, nothing audited.
      const student = capturableDemoStudents()[0]!;
      const { orderId } = await updater.shell.call(photographer, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId: student.id });
      await updater.shell.call(photographer, 'capture.begin', { orderId });
      s = await status();
      assert.deepEqual({ allowed: s.install.allowed, codes: s.install.reasons.map((r) => r.code) }, { allowed: false, codes: ['capturing'] });
      const refused = await app.raw('updates.install', {}, manager);
      assert.ok(!refused.ok && refused.error.code === 'CONFLICT', JSON.stringify(refused));
      assert.match(refused.error.zh, /^现在不能安装更新：正在拍摄学生/);
      assert.match(refused.error.en, /^The update cannot be installed now: A student is being photographed/);
      assert.deepEqual(updater.installs, []);
      assert.equal(listAudit(app.ctx.db).filter((a) => a.action.startsWith('updates.')).length, 0);

      // The capture is finished and accepted: its order and photos wait in the outbox (no server here).
      await updater.shell.call(photographer, 'capture.end', { orderId });
      await captureAndAccept(updater.shell, photographer, DEMO_TASK_CODE, capturableDemoStudents()[1]!.id);
      assert.ok(app.ctx.sync.status().backlog.jobs > 0, 'the accepted photo waits in the outbox');
      s = await status();
      // The policy: the manager's command installs with photos queued (the outbox resumes after the
      // restart); the unattended install waits until everything has gone up.
      assert.equal(s.install.allowed, true, JSON.stringify(s.install));
      assert.ok(s.autoInstall.reasons.some((r) => r.code === 'outbox'), JSON.stringify(s.autoInstall));

      clock.now = at(12, 30);
      const done = await app.call(manager, 'updates.install', {});
      assert.deepEqual(done, { started: true, version: '0.2.0' });
      assert.deepEqual(updater.installs, ['0.2.0']);
      const entries = listAudit(app.ctx.db).filter((a) => a.action.startsWith('updates.'));
      assert.equal(entries.length, 1);
      assert.equal(entries[0]!.action, 'updates.install');
      assert.equal(entries[0]!.operator_id, 'op-manager-1');
      assert.equal(entries[0]!.at, at(12, 30).toISOString());
      const detail = JSON.parse(entries[0]!.detail!) as Record<string, unknown>;
      assert.deepEqual(detail, { running: packageVersion(), version: '0.2.0', channel: 'pilot' });
      // In the audit screen's words.
      assert.equal(detailWords('updates.install', detail, 'zh-CN'), `版本 ${packageVersion()} → 0.2.0；试点渠道`);
      assert.equal(detailWords('updates.install', detail, 'en'), `version ${packageVersion()} → 0.2.0; pilot channel`);
    } finally {
      await app.close();
    }
  });
});
