import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ActivityTracker } from '../../src/main/app/stationActivity.js';
import type { SyncStatus } from '../../src/shared/sync/syncStatus.js';
import {
  decideUpdate,
  DEFAULT_UPDATE_SETTINGS,
  initialUpdaterState,
  installBlockers,
  targetVersion,
  updaterReduce,
  type StationActivity,
  type UpdaterState,
} from '../../src/main/app/updatePolicy.js';

const NOW = new Date('2026-06-20T18:30:00+08:00');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

/** An idle, online, enrolled station after hours with nothing queued: every gate open. */
function activity(over: Partial<StationActivity> = {}): StationActivity {
  return { online: true, enrolled: true, capturing: false, exporting: false, printing: false, outboxJobs: 0, uploading: false, idleMinutes: 45, afterHours: true, ...over };
}

function state(over: Partial<UpdaterState> = {}): UpdaterState {
  return { ...initialUpdaterState('1.0.0'), lastCheckAt: minutesAgo(5), ...over };
}

const offered = (version: string, pinned = false) => ({ version, pinned });

describe('checking', () => {
  test('checks when online and enrolled and the interval has passed; first check at once', () => {
    assert.deepEqual(decideUpdate(initialUpdaterState('1.0.0'), activity(), NOW), { action: 'check' });
    assert.deepEqual(decideUpdate(state({ lastCheckAt: minutesAgo(61) }), activity(), NOW), { action: 'check' });
    assert.equal(decideUpdate(state({ lastCheckAt: minutesAgo(59) }), activity(), NOW).action, 'none');
  });

  test('never checks offline or before enrolment', () => {
    assert.deepEqual(decideUpdate(initialUpdaterState('1.0.0'), activity({ online: false }), NOW), { action: 'none', why: 'offline' });
    assert.deepEqual(decideUpdate(initialUpdaterState('1.0.0'), activity({ enrolled: false }), NOW), { action: 'none', why: 'not enrolled' });
  });

  test('a failed check counts for the interval and keeps what was offered before', () => {
    const s = updaterReduce(state({ offered: offered('1.1.0'), lastCheckAt: minutesAgo(90) }), { kind: 'check-failed', at: NOW });
    assert.equal(s.lastCheckAt, NOW);
    assert.deepEqual(s.offered, offered('1.1.0'));
  });
});

describe('downloading', () => {
  test('downloads the offered version when nothing is uploading, even with jobs parked in the outbox', () => {
    const s = state({ offered: offered('1.1.0') });
    assert.deepEqual(decideUpdate(s, activity(), NOW), { action: 'download', version: '1.1.0' });
    assert.deepEqual(decideUpdate(s, activity({ outboxJobs: 3, uploading: false }), NOW), { action: 'download', version: '1.1.0' });
  });

  test('photo uploads go first: no download while uploading, and a running download yields', () => {
    const s = state({ offered: offered('1.1.0') });
    assert.deepEqual(decideUpdate(s, activity({ outboxJobs: 3, uploading: true }), NOW), { action: 'none', why: 'photos uploading' });
    const busy = updaterReduce(s, { kind: 'download-started', version: '1.1.0' });
    assert.deepEqual(decideUpdate(busy, activity({ outboxJobs: 1, uploading: true }), NOW), { action: 'cancel-download', version: '1.1.0' });
    assert.equal(decideUpdate(busy, activity(), NOW).action, 'none');
  });

  test('no download offline, and none when the offer is the running version', () => {
    assert.equal(decideUpdate(state({ offered: offered('1.1.0') }), activity({ online: false }), NOW).action, 'none');
    assert.equal(decideUpdate(state({ offered: offered('1.0.0') }), activity(), NOW).action, 'none');
  });

  test('a failed or partial download changes nothing: no install, the earlier verified download stays', () => {
    let s = state({ offered: offered('1.1.0') });
    s = updaterReduce(s, { kind: 'download-started', version: '1.1.0' });
    s = updaterReduce(s, { kind: 'download-failed', version: '1.1.0' });
    assert.equal(s.downloaded, null);
    assert.equal(s.downloading, null);
    assert.deepEqual(decideUpdate(s, activity(), NOW, DEFAULT_UPDATE_SETTINGS, 'install'), { action: 'none', why: 'install refused: nothing_downloaded' });
    assert.deepEqual(decideUpdate(s, activity(), NOW), { action: 'download', version: '1.1.0' });

    // A verified 1.1.0, then a failed 1.2.0: 1.1.0 is still the one on disk, but 1.2.0 is wanted.
    let t = updaterReduce(updaterReduce(s, { kind: 'download-started', version: '1.1.0' }), { kind: 'download-verified', version: '1.1.0' });
    t = updaterReduce(t, { kind: 'checked', at: NOW, offered: offered('1.2.0') });
    t = updaterReduce(updaterReduce(t, { kind: 'download-started', version: '1.2.0' }), { kind: 'download-failed', version: '1.2.0' });
    assert.equal(t.downloaded, '1.1.0');
    assert.deepEqual(installBlockers(t, activity(), 'manager', DEFAULT_UPDATE_SETTINGS), ['nothing_downloaded']);
  });

  test('a verification for a download that is not the one in flight is ignored', () => {
    const s = updaterReduce(state({ downloading: '1.2.0' }), { kind: 'download-verified', version: '1.1.0' });
    assert.equal(s.downloaded, null);
  });
});

describe('installing', () => {
  const ready = state({ offered: offered('1.1.0'), downloaded: '1.1.0' });

  test('end of day: installs when after hours, idle long enough and the outbox is empty', () => {
    assert.deepEqual(decideUpdate(ready, activity(), NOW), { action: 'install', version: '1.1.0', trigger: 'end_of_day' });
    // Offline does not matter for installing what is already verified on disk.
    assert.deepEqual(decideUpdate(ready, activity({ online: false }), NOW), { action: 'install', version: '1.1.0', trigger: 'end_of_day' });
  });

  test('end of day waits for idle minutes, an empty outbox, and the end of working hours', () => {
    assert.deepEqual(installBlockers(ready, activity({ idleMinutes: 19 }), 'end_of_day', DEFAULT_UPDATE_SETTINGS), ['not_idle']);
    assert.deepEqual(installBlockers(ready, activity({ outboxJobs: 2 }), 'end_of_day', DEFAULT_UPDATE_SETTINGS), ['outbox']);
    assert.deepEqual(installBlockers(ready, activity({ afterHours: false }), 'end_of_day', DEFAULT_UPDATE_SETTINGS), ['working_hours']);
    assert.deepEqual(installBlockers(ready, activity({ idleMinutes: 5 }), 'end_of_day', { ...DEFAULT_UPDATE_SETTINGS, idleMinutesBeforeInstall: 5 }), []);
    for (const a of [activity({ idleMinutes: 3 }), activity({ outboxJobs: 1 }), activity({ afterHours: false })]) {
      assert.notEqual(decideUpdate(ready, a, NOW).action, 'install');
    }
  });

  test('never during a capture, an export or a print job, whoever asks', () => {
    for (const busy of ['capturing', 'exporting', 'printing'] as const) {
      const a = activity({ [busy]: true });
      assert.deepEqual(decideUpdate(ready, a, NOW, DEFAULT_UPDATE_SETTINGS, 'install'), { action: 'none', why: `install refused: ${busy}` });
      assert.notEqual(decideUpdate(ready, a, NOW).action, 'install');
    }
  });

  test("the manager's command installs during working hours, not idle, with photos still queued", () => {
    const a = activity({ afterHours: false, idleMinutes: 0, outboxJobs: 5 });
    assert.deepEqual(decideUpdate(ready, a, NOW, DEFAULT_UPDATE_SETTINGS, 'install'), { action: 'install', version: '1.1.0', trigger: 'manager' });
    assert.notEqual(decideUpdate(ready, a, NOW).action, 'install');
  });

  test('a download the channel no longer offers is not installed', () => {
    const moved = updaterReduce(ready, { kind: 'checked', at: NOW, offered: offered('1.2.0') });
    assert.deepEqual(installBlockers(moved, activity(), 'manager', DEFAULT_UPDATE_SETTINGS), ['nothing_downloaded']);
    assert.deepEqual(decideUpdate(moved, activity(), NOW), { action: 'download', version: '1.2.0' });
  });
});

describe('the channel is the truth', () => {
  test('a channel pinned to an older version brings it back; so does a rollback', () => {
    const pinned = state({ running: '1.2.0', offered: offered('1.0.0', true) });
    assert.equal(targetVersion(pinned), '1.0.0');
    assert.deepEqual(decideUpdate(pinned, activity(), NOW), { action: 'download', version: '1.0.0' });
    const rolledBack = state({ running: '1.2.0', offered: offered('1.1.0', false) });
    assert.equal(targetVersion(rolledBack), '1.1.0');
  });

  test('a pinned channel on the running version wants nothing, whatever is newer elsewhere', () => {
    assert.equal(targetVersion(state({ running: '1.0.0', offered: offered('1.0.0', true) })), null);
    assert.deepEqual(decideUpdate(state({ running: '1.0.0', offered: offered('1.0.0', true) }), activity(), NOW), { action: 'none', why: 'up to date' });
  });
});

describe('what counts as busy (ActivityTracker)', () => {
  const sync = (over: Partial<SyncStatus> = {}): SyncStatus => ({
    configured: true,
    serverUrl: 'http://127.0.0.1:4790',
    online: true,
    paused: null,
    backlog: { jobs: 0, bytes: 0 },
    parked: [],
    lastSuccessAt: null,
    lastError: null,
    uploading: null,
    ...over,
  });
  const at = (h: number, m = 0) => new Date(2026, 5, 20, h, m);

  test('a capture holds updates from capture.begin until it is accepted or ended, or left for 30 minutes', () => {
    const t = new ActivityTracker(at(9));
    t.onCall('capture.begin', { orderId: 'o1' }, at(9, 1));
    assert.equal(t.snapshot(at(9, 2), sync(), 0).capturing, true);
    t.onCall('capture.accept', { orderId: 'o1' }, at(9, 3));
    assert.equal(t.snapshot(at(9, 4), sync(), 0).capturing, false);
    t.onCall('capture.begin', { orderId: 'o2' }, at(10));
    t.onCall('capture.submitStill', { orderId: 'o2' }, at(10, 20));
    assert.equal(t.snapshot(at(10, 45), sync(), 0).capturing, true);
    assert.equal(t.snapshot(at(10, 50), sync(), 0).capturing, false);
    // A call about an order no capture was begun for starts nothing.
    t.onCall('capture.list', { orderId: 'o3' }, at(11));
    assert.equal(t.snapshot(at(11), sync(), 0).capturing, false);
  });

  test('exports from progress to finished, print jobs, the outbox, uploads, idle time and the end of the day', () => {
    const t = new ActivityTracker(at(17));
    t.onEvent('export.progress');
    assert.equal(t.snapshot(at(17), sync(), 0).exporting, true);
    t.onEvent('export.finished');
    const s = t.snapshot(at(19, 30), sync({ backlog: { jobs: 4, bytes: 10 }, uploading: { orderId: 'o', role: 'original', sent: 1, total: 2 } }), 2);
    assert.deepEqual(s, { online: true, enrolled: true, capturing: false, exporting: false, printing: true, outboxJobs: 4, uploading: true, idleMinutes: 150, afterHours: true });
    t.onCall('orders.today', {}, at(19, 25));
    assert.equal(t.snapshot(at(19, 30), sync({ online: null, configured: false }), 0).idleMinutes, 5);
    assert.deepEqual([t.snapshot(at(18, 59), sync(), 0).afterHours, t.snapshot(at(19, 30), sync({ online: null }), 0).online], [false, false]);
  });
});
