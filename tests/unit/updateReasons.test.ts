import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { INSTALL_REASON_WORDS, initialUpdaterState, installBlockers, installReasons, type StationActivity, type UpdaterState } from '../../src/main/app/updatePolicy.js';

/** An idle, online, enrolled station after hours with nothing queued, and 1.1.0 downloaded and verified. */
function activity(over: Partial<StationActivity> = {}): StationActivity {
  return { online: true, enrolled: true, capturing: false, exporting: false, printing: false, outboxJobs: 0, uploading: false, idleMinutes: 45, afterHours: true, ...over };
}
function ready(over: Partial<UpdaterState> = {}): UpdaterState {
  return { ...initialUpdaterState('1.0.0'), offered: { version: '1.1.0', pinned: false }, downloaded: '1.1.0', ...over };
}

describe("the manager screen's reasons (installReasons)", () => {
  test('none when the policy allows the install; the same blockers as installBlockers otherwise', () => {
    assert.deepEqual(installReasons(ready(), activity(), 'manager'), []);
    assert.deepEqual(installReasons(ready(), activity(), 'end_of_day'), []);
    const busy = activity({ capturing: true, exporting: true, printing: true, outboxJobs: 3, idleMinutes: 0, afterHours: false });
    assert.deepEqual(installReasons(ready(), busy, 'manager'), ['capturing', 'exporting', 'printing']);
    assert.deepEqual(installReasons(ready(), busy, 'end_of_day'), ['capturing', 'exporting', 'printing', 'outbox', 'not_idle', 'working_hours']);
    // The manager's command may install with photos queued, as the policy says; unattended, it waits.
    assert.deepEqual(installReasons(ready(), activity({ outboxJobs: 5, uploading: true }), 'manager'), []);
    assert.deepEqual(installReasons(ready(), activity({ outboxJobs: 5 }), 'end_of_day'), ['outbox']);
  });

  test('"nothing downloaded" is said by its cause', () => {
    const nothing = (s: Partial<UpdaterState>, a: Partial<StationActivity> = {}) => installReasons(ready({ downloaded: null, ...s }), activity(a), 'manager');
    assert.deepEqual(nothing({ offered: null }), ['up_to_date']);
    assert.deepEqual(nothing({ offered: { version: '1.0.0', pinned: true } }), ['up_to_date']);
    assert.deepEqual(nothing({ downloading: '1.1.0' }), ['downloading']);
    assert.deepEqual(nothing({}, { enrolled: false, online: false }), ['not_enrolled']);
    assert.deepEqual(nothing({}, { online: false }), ['offline']);
    assert.deepEqual(nothing({}), ['not_downloaded']);
    // A download of another version than the channel offers now (pinned back meanwhile) is not the target.
    assert.deepEqual(installReasons(ready({ offered: { version: '0.9.0', pinned: true } }), activity(), 'manager'), ['not_downloaded']);
    assert.equal(installBlockers(ready({ downloaded: null }), activity(), 'manager', { checkEveryMinutes: 60, idleMinutesBeforeInstall: 20 }).length, 1);
  });

  test('every reason has words in both languages', () => {
    for (const [code, w] of Object.entries(INSTALL_REASON_WORDS)) {
      assert.ok(/[\u4e00-\u9fff]/.test(w.zh), `${code}: zh`);
      assert.ok(/^[A-Z][\x20-\x7e]+$/.test(w.en), `${code}: en`);
    }
  });
});
