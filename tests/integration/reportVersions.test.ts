import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { insertAppRun, touchAppRun } from '../../src/main/db/queries/appRuns.js';
import { openDatabase } from '../../src/main/db/openDatabase.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { reportHtml } from '../../src/main/report/reportPdf.js';
import { localDateOf } from '../../src/shared/localDate.js';
import { tempApp, tempDir } from '../helpers/tempApp.js';

/** A working day in the station's own time zone. */
const at = (hour: number, minute: number) => new Date(2026, 5, 12, hour, minute);
const DAY = localDateOf(at(12, 0));

describe('the day report lists the versions the station ran that day', () => {
  test('an earlier version in the morning, this one from its start to now; a restart counts as a second start', async () => {
    const tmp = tempDir();
    try {
      // Before the update, the station ran 0.0.9 from 07:00 to 07:40 (its start and last heartbeat,
      // written by the same queries the version log uses).
      const db = openDatabase(join(tmp.dir, 'station.sqlite'));
      const old = insertAppRun(db, '0.0.9', at(7, 0).toISOString());
      touchAppRun(db, old, at(7, 40).toISOString());
      db.close();

      const clock = { now: at(8, 0) };
      let app = await tempApp({ demo: true, dataDir: tmp.dir, now: () => clock.now });
      const version = app.ctx.version;
      clock.now = at(12, 0);
      let manager = await app.loggedIn('9999');
      let r = await app.call(manager, 'report.day', { taskCode: DEMO_TASK_CODE, from: DAY, to: DAY });
      assert.deepEqual(r.versions, [
        { version: '0.0.9', firstSeenAt: at(7, 0).toISOString(), lastSeenAt: at(7, 40).toISOString(), starts: 1 },
        { version, firstSeenAt: at(8, 0).toISOString(), lastSeenAt: at(12, 0).toISOString(), starts: 1 },
      ]);

      // Closed at 13:00 (the close notes the time), started again at 14:00, asked at 17:30.
      clock.now = at(13, 0);
      await app.close();
      clock.now = at(14, 0);
      app = await tempApp({ demo: true, dataDir: tmp.dir, now: () => clock.now });
      clock.now = at(17, 30);
      manager = await app.loggedIn('9999');
      r = await app.call(manager, 'report.day', { taskCode: DEMO_TASK_CODE, from: DAY, to: DAY });
      assert.deepEqual(r.versions.at(-1), { version, firstSeenAt: at(8, 0).toISOString(), lastSeenAt: at(17, 30).toISOString(), starts: 2 });
      // The next day: only the run still going, from midnight.
      const next = localDateOf(new Date(2026, 5, 13, 12, 0));
      clock.now = new Date(2026, 5, 13, 9, 15);
      const tomorrow = await app.call(manager, 'report.day', { taskCode: DEMO_TASK_CODE, from: next, to: next });
      assert.deepEqual(tomorrow.versions, [{ version, firstSeenAt: new Date(2026, 5, 13, 0, 0).toISOString(), lastSeenAt: new Date(2026, 5, 13, 9, 15).toISOString(), starts: 0 }]);
      // The PDF's page carries them (the same view as the screen's report panel).
      const html = reportHtml(r);
      assert.match(html, /本站运行的软件版本/);
      assert.match(html, /data-version="0\.0\.9"/);
      assert.match(html, new RegExp(`<td>${version.replace(/\./g, '\\.')}</td><td>08:00</td><td>17:30</td><td>2</td>`));
      await app.close();
    } finally {
      tmp.cleanup();
    }
  });
});

test('migration 0010: app_runs keeps a run whose last sighting is never before its start, read by its index', () => {
  const tmp = tempDir();
  try {
    const db = openDatabase(join(tmp.dir, 's.sqlite'));
    const id = insertAppRun(db, '1.0.0', at(9, 0).toISOString());
    touchAppRun(db, id, at(8, 0).toISOString());
    assert.equal((db.prepare('SELECT last_seen_at FROM app_runs WHERE id = ?').get(id) as { last_seen_at: string }).last_seen_at, at(9, 0).toISOString(), 'a clock set back never moves it back');
    assert.throws(() => db.prepare("INSERT INTO app_runs (version, started_at, last_seen_at) VALUES ('1', '2026-06-12T10:00:00Z', '2026-06-12T09:00:00Z')").run(), /CHECK/);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT id FROM app_runs WHERE last_seen_at >= '2026-06-12'").all() as { detail: string }[];
    assert.ok(plan.some((p) => p.detail.includes('app_runs_last_seen')), JSON.stringify(plan));
    db.close();
  } finally {
    tmp.cleanup();
  }
});
