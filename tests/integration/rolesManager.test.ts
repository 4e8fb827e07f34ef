import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { listAudit } from '../../src/main/db/queries/audit.js';
import { parkJob } from '../../src/main/db/queries/syncQueue.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { exportRunnerFor } from '../../src/main/export/exportRunner.js';
import { DEFAULT_IDLE_LOCK_MINUTES, MAX_OVERRIDE_FAILURES, MAX_PIN_FAILURES, PIN_LOCK_MS } from '../../src/main/services/auth.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { idCheckChar } from '../../src/shared/idNumber.js';
import { localDateOf } from '../../src/shared/localDate.js';
import { contract } from '../../src/shared/rpc/contract.js';
import { csvBytes } from '../helpers/rosterFiles.js';
import { captureAndAccept, capturableDemoStudents } from '../helpers/stationCapture.js';
import { demoServer } from '../helpers/syncRig.js';
import { adminApi } from '../helpers/syncRig.js';
import { tempApp } from '../helpers/tempApp.js';

type App = Awaited<ReturnType<typeof tempApp>>;

async function lockStation(app: App): Promise<void> {
  const s = app.newSession();
  for (let i = 0; i < MAX_PIN_FAILURES; i++) await app.raw('auth.login', { pin: '0000' }, s);
  const state = await app.call(app.newSession(), 'auth.lockState', {});
  assert.equal(state.locked, true);
}

describe('roles and the station lock', () => {
  test('what only a site manager may do: export, settings, roster import, lock override/unlock, the audit log', async () => {
    const managerOnly = Object.entries(contract)
      .filter(([, def]) => def.access === 'manager')
      .map(([name]) => name);
    for (const name of ['export.start', 'export.plan', 'export.destinations', 'settings.set', 'camera.set', 'roster.import', 'auth.unlock', 'audit.list', 'report.day', 'report.pdf', 'reconcile.list', 'reconcile.requeue', 'sync.enrol', 'faceMatch.importFolder']) {
      assert.ok(managerOnly.includes(name), `${name} is for site managers only`);
    }
    const app = await tempApp({ demo: true });
    try {
      const photographer = await app.loggedIn('1234');
      const nobody = app.newSession();
      for (const name of managerOnly) {
        const asPhotographer = await app.raw(name, {}, photographer);
        assert.ok(!asPhotographer.ok && asPhotographer.error.code === 'FORBIDDEN', `${name}: ${JSON.stringify(asPhotographer)}`);
        const anonymous = await app.raw(name, {}, nobody);
        assert.ok(!anonymous.ok && anonymous.error.code === 'UNAUTHENTICATED', name);
      }
      // The override is reached from the PIN screen, so it is public, but only a manager's PIN opens it.
      assert.equal(contract['auth.overrideLock'].access, 'public');
    } finally {
      await app.close();
    }
  });

  test('five wrong PINs lock the station; a site manager overrides with PIN and reason; wrong override PINs extend the lock, three end the overrides', async () => {
    let now = new Date('2026-11-25T09:00:00Z');
    const app = await tempApp({ demo: true, now: () => now });
    try {
      const s = app.newSession();
      const notLocked = await app.raw('auth.overrideLock', { pin: '9999', reason: '测试' }, s);
      assert.ok(!notLocked.ok && notLocked.error.code === 'CONFLICT');
      await lockStation(app);
      const locked = await app.call(s, 'auth.lockState', {});
      assert.deepEqual({ ...locked, until: null }, { locked: true, until: null, failures: 0, overrideAllowed: true });
      const until = new Date(locked.until!).getTime();
      assert.equal(until, now.getTime() + PIN_LOCK_MS);

      // Without a reason: refused before any PIN is tried.
      const noReason = await app.raw('auth.overrideLock', { pin: '9999', reason: '' }, s);
      assert.ok(!noReason.ok && noReason.error.code === 'BAD_INPUT');
      // A photographer's PIN is not a manager's: wrong, and the lock grows.
      now = new Date(now.getTime() + 60_000);
      const photographerPin = await app.raw('auth.overrideLock', { pin: '1234', reason: '摄影师想解锁' }, s);
      assert.ok(!photographerPin.ok && photographerPin.error.code === 'WRONG_PIN' && /还可尝试 2 次/.test(photographerPin.error.zh), JSON.stringify(photographerPin));
      assert.equal(new Date((await app.call(s, 'auth.lockState', {})).until!).getTime(), now.getTime() + PIN_LOCK_MS);
      // Logging in normally is still refused.
      const stillLocked = await app.raw('auth.login', { pin: '9999' }, app.newSession());
      assert.ok(!stillLocked.ok && stillLocked.error.code === 'LOCKED');

      const ok = await app.call(s, 'auth.overrideLock', { pin: '9999', reason: '摄影师忘记 PIN，已核实身份' });
      assert.deepEqual(ok.operator, { id: 'op-manager-1', name: '负责人 01', role: 'manager' });
      assert.equal((await app.call(s, 'auth.me', {})).operator?.role, 'manager');
      assert.equal((await app.call(s, 'auth.lockState', {})).locked, false);
      assert.ok((await app.raw('auth.login', { pin: '1234' }, app.newSession())).ok, 'the photographer can log in again');
      const audit = listAudit(app.ctx.db);
      const override = audit.find((a) => a.action === 'auth.lock_override')!;
      assert.equal(override.operator_id, 'op-manager-1');
      assert.equal(override.reason, '摄影师忘记 PIN，已核实身份');
      const failedOverride = audit.find((a) => a.action === 'auth.lock_override_failed')!;
      assert.equal(failedOverride.operator_id, null);
      assert.equal(failedOverride.reason, '摄影师想解锁');

      // Three wrong override PINs: no more overrides until the lock runs out.
      await lockStation(app);
      for (let i = 1; i <= MAX_OVERRIDE_FAILURES; i++) {
        const wrong = await app.raw('auth.overrideLock', { pin: '8888', reason: '试试' }, app.newSession());
        assert.ok(!wrong.ok && wrong.error.code === 'WRONG_PIN');
      }
      const exhausted = await app.raw('auth.overrideLock', { pin: '9999', reason: '真的负责人' }, app.newSession());
      assert.ok(!exhausted.ok && exhausted.error.code === 'LOCKED', JSON.stringify(exhausted));
      assert.equal((await app.call(app.newSession(), 'auth.lockState', {})).overrideAllowed, false);
      now = new Date(now.getTime() + PIN_LOCK_MS + 1000);
      assert.ok((await app.raw('auth.login', { pin: '9999' }, app.newSession())).ok, 'the lock runs out');
    } finally {
      await app.close();
    }
  });

  test('a logged-in site manager can lift a lock from the manager screen; the idle lock is a setting', async () => {
    const app = await tempApp({ demo: true });
    try {
      const manager = await app.loggedIn('9999');
      const photographer = await app.loggedIn('1234');
      await lockStation(app);
      const lifted = await app.call(manager, 'auth.unlock', { reason: '误输，已确认' });
      assert.equal(lifted.locked, false);
      assert.equal((await app.call(photographer, 'settings.get', {})).idleLockMinutes, DEFAULT_IDLE_LOCK_MINUTES);
      assert.equal((await app.call(manager, 'settings.set', { idleLockMinutes: 3, reason: '人流少' })).idleLockMinutes, 3);
      assert.equal((await app.call(photographer, 'settings.get', {})).idleLockMinutes, 3);
      const tooLong = await app.raw('settings.set', { idleLockMinutes: 241 }, manager);
      assert.ok(!tooLong.ok && tooLong.error.code === 'BAD_INPUT');
      const entry = listAudit(app.ctx.db).find((a) => a.action === 'settings.idle_lock')!;
      assert.deepEqual(JSON.parse(entry.detail!), { from: DEFAULT_IDLE_LOCK_MINUTES, to: 3 });
      assert.equal(entry.reason, '人流少');
    } finally {
      await app.close();
    }
  });
});

describe('every site manager action is audited: who, when, what, why', () => {
  test('each manager procedure that changes or takes something leaves one entry by the manager', async () => {
    const server = await demoServer();
    const app = await tempApp({ demo: true });
    try {
      const manager = await app.loggedIn('9999');
      const photographer = await app.loggedIn('1234');
      const { orderId } = await captureAndAccept(app, photographer, DEMO_TASK_CODE, capturableDemoStudents()[0]!.id);
      parkJob(app.ctx.db, `order:${orderId}:r2`, '测试搁置', new Date().toISOString());
      const outDir = join(app.dir, 'usb');
      mkdirSync(outDir);
      const folder = join(app.dir, 'admission');
      mkdirSync(folder);
      const today = localDateOf(new Date());
      const first17 = '44010620030101123';
      const code = await adminApi(server).enrolCode();

      const actions: [string, () => Promise<unknown>, string | null][] = [
        ['settings.camera', () => app.call(manager, 'camera.set', { kind: 'simulated', hotFolder: null }), null],
        ['roster.import', () => app.call(manager, 'roster.import', { taskCode: DEMO_TASK_CODE, fileName: 'r.csv', contentBase64: csvBytes([['姓名', '身份证号'], ['测试生', first17 + idCheckChar(first17)]]).toString('base64') }), null],
        ['admission_photos.import', () => app.call(manager, 'faceMatch.importFolder', { taskCode: DEMO_TASK_CODE, folder }), null],
        ['settings.idle_lock', () => app.call(manager, 'settings.set', { idleLockMinutes: 5, reason: '午休' }), '午休'],
        ['reconcile.requeue', () => app.call(manager, 'reconcile.requeue', { taskCode: DEMO_TASK_CODE, orderIds: null }), null],
        ['sync.retry_parked', () => (parkJob(app.ctx.db, `order:${orderId}:r2`, '再次搁置', new Date().toISOString()), app.call(manager, 'sync.retryParked', {})), null],
        [
          'export.run',
          async () => {
            await app.call(manager, 'export.start', { taskCode: DEMO_TASK_CODE, from: today, to: today, template: '{学号}', folders: 'none', originals: false, zip: false, outDir, reason: '交学院' });
            await exportRunnerFor(app.ctx).idle();
          },
          '交学院',
        ],
        ['auth.unlock', () => app.call(manager, 'auth.unlock', { reason: '测试解锁' }), '测试解锁'],
        ['audit.view', () => app.call(manager, 'audit.list', { beforeId: null, action: null, limit: 50 }), null],
        ['sync.enrol', () => app.call(manager, 'sync.enrol', { serverUrl: server.url, code }), null],
      ];
      for (const [action, run, reason] of actions) {
        const before = listAudit(app.ctx.db, 1)[0]?.id ?? 0;
        const started = Date.now();
        await run();
        const entries = app.ctx.db.prepare('SELECT * FROM audit_log WHERE id > ? AND action = ?').all(before, action) as { operator_id: string; at: string; reason: string | null; detail: string | null }[];
        assert.equal(entries.length, 1, `${action}: one entry`);
        assert.equal(entries[0]!.operator_id, 'op-manager-1', `${action}: who`);
        assert.ok(Math.abs(new Date(entries[0]!.at).getTime() - started) < 60_000, `${action}: when`);
        assert.ok(entries[0]!.detail, `${action}: what`);
        if (reason) assert.equal(entries[0]!.reason, reason, `${action}: why`);
      }
      // The audit view shows them, newest first, with the manager's name, and pages.
      const page = await app.call(manager, 'audit.list', { beforeId: null, action: 'export.', limit: 10 });
      assert.deepEqual(page.entries.map((e) => [e.action, e.operatorName, e.reason]), [['export.run', '负责人 01', '交学院']]);
      const all = await app.call(manager, 'audit.list', { beforeId: null, action: null, limit: 3 });
      assert.equal(all.entries.length, 3);
      assert.equal(all.more, true);
      const next = await app.call(manager, 'audit.list', { beforeId: all.entries.at(-1)!.id, action: null, limit: 3 });
      assert.ok(next.entries[0]!.id < all.entries.at(-1)!.id);
    } finally {
      await app.close();
      await server.close();
      server.cleanup();
    }
  });
});
