import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appVersionsSeen } from '../../src/main/report/appVersionsSeen.js';

describe('versions the station ran in a range (appVersionsSeen)', () => {
  const day = { start: '2026-06-10T00:00:00.000Z', end: '2026-06-11T00:00:00.000Z' };
  const run = (id: number, version: string, started: string, lastSeen: string) => ({ id, version, started_at: `2026-06-${started}Z`, last_seen_at: `2026-06-${lastSeen}Z` });

  test('per version, first and last seen within the day, and the starts that day', () => {
    const runs = [run(1, '1.0.0', '09T20:00:00.000', '10T01:30:00.000'), run(2, '1.0.0', '10T07:55:00.000', '10T12:00:00.000'), run(3, '1.1.0', '10T12:05:00.000', '10T18:00:00.000')];
    assert.deepEqual(appVersionsSeen(runs, 3, day, new Date('2026-06-10T18:00:00.000Z')), [
      // Running since the evening before: seen from the day's first moment; started once that day.
      { version: '1.0.0', firstSeenAt: '2026-06-10T00:00:00.000Z', lastSeenAt: '2026-06-10T12:00:00.000Z', starts: 1 },
      { version: '1.1.0', firstSeenAt: '2026-06-10T12:05:00.000Z', lastSeenAt: '2026-06-10T18:00:00.000Z', starts: 1 },
    ]);
  });

  test('the run going now is seen until now, and until the day ends for a past day', () => {
    const runs = [run(7, '1.1.0', '10T08:00:00.000', '10T08:00:00.000')];
    assert.deepEqual(appVersionsSeen(runs, 7, day, new Date('2026-06-10T15:20:00.000Z')), [
      { version: '1.1.0', firstSeenAt: '2026-06-10T08:00:00.000Z', lastSeenAt: '2026-06-10T15:20:00.000Z', starts: 1 },
    ]);
    assert.equal(appVersionsSeen(runs, 7, day, new Date('2026-06-12T09:00:00.000Z'))[0]!.lastSeenAt, '2026-06-10T23:59:59.999Z');
    // A run that ended (not the newest) is seen until its last heartbeat only.
    assert.equal(appVersionsSeen(runs, 8, day, new Date('2026-06-10T15:20:00.000Z'))[0]!.lastSeenAt, '2026-06-10T08:00:00.000Z');
    // Nothing ran that day: nothing listed.
    assert.deepEqual(appVersionsSeen([], null, day, new Date('2026-06-10T15:20:00.000Z')), []);
  });
});
