import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { parseReservationToken } from '../../src/shared/checkin/reservationToken.js';
import { endOfLocalDay } from '../../src/shared/checkin/taskRules.js';
import { feedPage, PATHS } from '../../src/shared/sync/protocol.js';
import { dropRunDatabase, seedTask, STORE_KINDS, startTestServer, type StationClient } from '../helpers/serverStores.js';

after(() => dropRunDatabase());

async function tasksFeed(st: StationClient) {
  const r = await st.get(`${PATHS.feed('tasks')}?cursor=0&limit=500`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return feedPage('tasks').parse(r.body).items;
}

/** Issue 14: the task's check-in rules live on the server and come down with the task. */
for (const kind of STORE_KINDS) {
  describe(`task check-in rules on the server (${kind})`, () => {
    test("the 特征码 format and check-in mode are the task's, sent in the tasks feed; omitted, the old rule", async () => {
      const s = await startTestServer(kind);
      try {
        await seedTask(s, 'OLD1', 1);
        const body = {
          name: '散排任务',
          schoolName: '测试大学',
          sessionDates: ['2026-06-01'],
          featureCodeFormat: { length: 24, alphabet: 'hex' },
          checkinMode: '散排',
        };
        assert.equal((await s.admin('PUT', '/v1/admin/tasks/HEX1', body)).status, 201);
        for (const bad of [{ length: 0, alphabet: 'hex' }, { length: 4, alphabet: 'emoji' }]) {
          const r = await s.admin('PUT', '/v1/admin/tasks/BAD1', { ...body, featureCodeFormat: bad });
          assert.equal(r.status, 400, JSON.stringify(bad));
        }
        assert.equal((await s.admin('PUT', '/v1/admin/tasks/BAD2', { ...body, checkinMode: '随便' })).status, 400);
        const st = await s.enrol('st-rules');
        const items = Object.fromEntries((await tasksFeed(st)).map((t) => [t.code, t]));
        assert.deepEqual(Object.keys(items).sort(), ['HEX1', 'OLD1']);
        assert.deepEqual([items.HEX1!.featureCodeFormat, items.HEX1!.checkinMode], [{ length: 24, alphabet: 'hex' }, '散排']);
        assert.deepEqual([items.OLD1!.featureCodeFormat, items.OLD1!.checkinMode], [{ length: 6, alphabet: 'alnum' }, '集中']);
        // An admin changes the format: stations learn it on their next pull.
        assert.equal((await s.admin('PUT', '/v1/admin/tasks/HEX1', { ...body, featureCodeFormat: { length: 4, alphabet: 'digits' } })).status, 200);
        const again = (await tasksFeed(st)).find((t) => t.code === 'HEX1')!;
        assert.deepEqual(again.featureCodeFormat, { length: 4, alphabet: 'digits' });
        // An update that leaves the rules out (a date moved) keeps them.
        const { featureCodeFormat: _f, checkinMode: _m, ...withoutRules } = body;
        assert.equal((await s.admin('PUT', '/v1/admin/tasks/HEX1', { ...withoutRules, sessionDates: ['2026-06-03'] })).status, 200);
        const kept = (await tasksFeed(st)).find((t) => t.code === 'HEX1')!;
        assert.deepEqual([kept.sessionDates, kept.featureCodeFormat, kept.checkinMode], [['2026-06-03'], { length: 4, alphabet: 'digits' }, '散排']);
      } finally {
        await s.close();
      }
    });

    test("a reservation token booked for the first day is signed to the end of the task's last session day", async () => {
      const s = await startTestServer(kind);
      try {
        // seedTask: sessions 2026-06-01 and 2026-06-02; the slot is on the first.
        const task = await seedTask(s, 'RESD1', 1);
        const made = await s.admin<{ token: string }>('POST', '/v1/admin/reservations', { taskCode: task.code, studentId: task.studentIds[0], slotId: task.slotId });
        assert.equal(made.status, 201, JSON.stringify(made.body));
        const parsed = parseReservationToken(made.body.token);
        assert.ok(parsed.ok);
        assert.equal(parsed.payload.slot, task.slotId);
        assert.equal(parsed.payload.exp, endOfLocalDay('2026-06-02'));
      } finally {
        await s.close();
      }
    });
  });
}
