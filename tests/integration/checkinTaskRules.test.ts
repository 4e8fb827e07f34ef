import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { insertMirroredOrder } from '../../src/main/db/queries/syncMirror.js';
import { upsertTaskItem } from '../../src/main/db/queries/tasks.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { featureCodeDigest } from '../../src/main/security/digest.js';
import type { Session } from '../../src/main/services/AppContext.js';
import { endOfLocalDay } from '../../src/shared/checkin/taskRules.js';
import type { ScanOutcome } from '../../src/shared/checkin/scanOutcome.js';
import { signDemoToken } from '../../src/shared/demo/demoIssuer.js';
import { demoTaskPlan } from '../../src/shared/demo/demoTask.js';
import { TaskItem } from '../../src/shared/sync/protocol.js';
import { tempApp } from '../helpers/tempApp.js';

/** Check-in rules that are the task's (issue 14), through the real router on a real store. */
describe('check-in rules per task', () => {
  // Day 1 of the demo task's two session days, 10:00 local; moved forward by the tests.
  const day1 = new Date(2026, 11, 8, 10, 0, 0);
  let clock = day1;
  let app: Awaited<ReturnType<typeof tempApp>>;
  let s: Session;
  const plan = demoTaskPlan(day1);
  const [date1, date2] = plan.task.sessionDates as [string, string];
  const setTask = (cols: string, ...values: unknown[]) => app.ctx.db.prepare(`UPDATE tasks SET ${cols} WHERE code = ?`).run(...values, DEMO_TASK_CODE);
  const studentWithLast4 = () =>
    app.ctx.db.prepare(`SELECT id, id_last4 FROM students WHERE task_code = ? AND source = 'roster' ORDER BY id LIMIT 1`).get(DEMO_TASK_CODE) as { id: string; id_last4: string };

  before(async () => {
    app = await tempApp({ demo: true, now: () => clock });
    s = await app.loggedIn();
  });
  after(() => app.close());

  describe('特征码 format', () => {
    test('a 4-digit task finds by 4 digits and refuses any other shape in the task\'s own words', async () => {
      const st = studentWithLast4();
      setTask("feature_code_length = 4, feature_code_alphabet = 'digits'");
      app.ctx.db.prepare('UPDATE students SET feature_code_digest = ? WHERE id = ?').run(featureCodeDigest('4821'), st.id);
      const found = await app.call(s, 'checkin.featureCode', { taskCode: DEMO_TASK_CODE, idLast4: st.id_last4, featureCode: ' 4821 ' });
      assert.deepEqual(found.students.map((x) => x.id), [st.id]);
      for (const wrong of ['AB12', '48211', '482', '4821AB']) {
        const r = await app.raw('checkin.featureCode', { taskCode: DEMO_TASK_CODE, idLast4: st.id_last4, featureCode: wrong }, s);
        assert.ok(!r.ok, wrong);
        assert.equal(r.error.code, 'BAD_INPUT');
        assert.equal(r.error.zh, '本任务的特征码为 4 位数字');
        assert.equal(r.error.en, "This task's feature code is 4 digits");
      }
      // The tasks list tells the form what to ask for.
      const task = (await app.call(s, 'tasks.list', {})).tasks.find((t) => t.code === DEMO_TASK_CODE)!;
      assert.deepEqual(task.featureCodeFormat, { length: 4, alphabet: 'digits' });
    });

    test('a 24-hex task takes either case and refuses letters beyond F; a 6-character code is not its shape', async () => {
      const st = studentWithLast4();
      const code = '0a1b2c3d4e5f60718293a4b5';
      setTask("feature_code_length = 24, feature_code_alphabet = 'hex'");
      app.ctx.db.prepare('UPDATE students SET feature_code_digest = ? WHERE id = ?').run(featureCodeDigest(code), st.id);
      for (const typed of [code, code.toUpperCase()]) {
        const found = await app.call(s, 'checkin.featureCode', { taskCode: DEMO_TASK_CODE, idLast4: st.id_last4, featureCode: typed });
        assert.deepEqual(found.students.map((x) => x.id), [st.id], typed);
      }
      for (const wrong of ['0a1b2c3d4e5f60718293a4bg', 'A1B2C3']) {
        const r = await app.raw('checkin.featureCode', { taskCode: DEMO_TASK_CODE, idLast4: st.id_last4, featureCode: wrong }, s);
        assert.ok(!r.ok && r.error.code === 'BAD_INPUT' && r.error.zh.startsWith('本任务的特征码为 24 位十六进制字符'), JSON.stringify(r));
      }
      setTask("feature_code_length = 6, feature_code_alphabet = 'alnum'");
    });

    test('the format comes down with the task; a feed item from an older server gets the format every station had', () => {
      const item = { ...plan.task, code: 'FMT2026', featureCodeFormat: { length: 4, alphabet: 'digits' }, checkinMode: '散排' };
      upsertTaskItem(app.ctx.db, TaskItem.parse(item), clock.toISOString());
      assert.deepEqual(app.ctx.db.prepare('SELECT feature_code_length, feature_code_alphabet, checkin_mode FROM tasks WHERE code = ?').get('FMT2026'), {
        feature_code_length: 4,
        feature_code_alphabet: 'digits',
        checkin_mode: '散排',
      });
      const { featureCodeFormat: _f, checkinMode: _m, ...older } = item;
      upsertTaskItem(app.ctx.db, TaskItem.parse(older), clock.toISOString());
      assert.deepEqual(app.ctx.db.prepare('SELECT feature_code_length, feature_code_alphabet, checkin_mode FROM tasks WHERE code = ?').get('FMT2026'), {
        feature_code_length: 6,
        feature_code_alphabet: 'alnum',
        checkin_mode: '集中',
      });
      assert.throws(() => TaskItem.parse({ ...item, featureCodeFormat: { length: 4, alphabet: 'emoji' } }));
    });
  });

  describe('散排: ID last 4 alone', () => {
    /** Three roster students made to share one ID last 4 (real rosters have such clashes). */
    const shareLast4 = (last4: string): string[] => {
      const ids = (app.ctx.db.prepare(`SELECT id FROM students WHERE task_code = ? AND source = 'roster' ORDER BY id LIMIT 3 OFFSET 10`).all(DEMO_TASK_CODE) as { id: string }[]).map((r) => r.id);
      for (const id of ids) app.ctx.db.prepare('UPDATE students SET id_last4 = ? WHERE id = ?').run(last4, id);
      return ids;
    };

    test('a 集中 task refuses check-in by ID last 4 alone', async () => {
      const r = await app.raw('checkin.lastFour', { taskCode: DEMO_TASK_CODE, idLast4: studentWithLast4().id_last4 }, s);
      assert.ok(!r.ok && r.error.code === 'BAD_INPUT' && r.error.zh.includes('集中采集'), JSON.stringify(r));
    });

    test('several matches come back as a list of masked names and 学号, none chosen and nobody checked in', async () => {
      setTask("checkin_mode = '散排'");
      const ids = shareLast4('777X');
      const ordersBefore = app.ctx.db.prepare('SELECT count(*) FROM orders').pluck().get();
      const { matches, truncated } = await app.call(s, 'checkin.lastFour', { taskCode: DEMO_TASK_CODE, idLast4: '777x' });
      assert.equal(truncated, false);
      assert.deepEqual(new Set(matches.map((m) => m.studentId)), new Set(ids));
      for (const m of matches) {
        const row = app.ctx.db.prepare('SELECT name, student_no FROM students WHERE id = ?').get(m.studentId) as { name: string; student_no: string };
        assert.equal(m.studentNo, row.student_no);
        assert.notEqual(m.maskedName, row.name, 'a stranger\'s full name is not shown');
        assert.equal(m.maskedName[0], row.name[0]);
        assert.match(m.maskedName, /\*/);
      }
      assert.equal(app.ctx.db.prepare('SELECT count(*) FROM orders').pluck().get(), ordersBefore, 'listing checks nobody in');
      // The same four digits give the same list in the same order: nothing here picks by chance.
      const again = await app.call(s, 'checkin.lastFour', { taskCode: DEMO_TASK_CODE, idLast4: '777X' });
      assert.deepEqual(again.matches, matches);
    });

    test('one match is still a list of one for the card to confirm; no match is an empty list', async () => {
      const st = studentWithLast4();
      const one = await app.call(s, 'checkin.lastFour', { taskCode: DEMO_TASK_CODE, idLast4: st.id_last4 });
      assert.deepEqual(one.matches.map((m) => m.studentId), [st.id]);
      assert.equal(one.matches[0]!.orderStatus, null);
      assert.equal(app.ctx.db.prepare('SELECT count(*) FROM orders WHERE student_id = ?').pluck().get(st.id), 0);
      assert.deepEqual((await app.call(s, 'checkin.lastFour', { taskCode: DEMO_TASK_CODE, idLast4: '0000' })).matches, []);
      const bad = await app.raw('checkin.lastFour', { taskCode: DEMO_TASK_CODE, idLast4: '12' }, s);
      assert.ok(!bad.ok && bad.error.code === 'BAD_INPUT');
    });

    test('a student rejected at another station and checked in here is listed once, with this station\'s order', async () => {
      const st = studentWithLast4();
      insertMirroredOrder(
        app.ctx.db,
        { id: 'other-station-order', task_code: DEMO_TASK_CODE, student_id: st.id, status: '被驳回', station_id: 'f00dfeed-other', revision: 2, reason: '背景不均匀', current: true, conflict: false },
        clock.toISOString(),
      );
      const before = await app.call(s, 'checkin.lastFour', { taskCode: DEMO_TASK_CODE, idLast4: st.id_last4 });
      assert.deepEqual(before.matches.map((m) => [m.studentId, m.orderStatus]), [[st.id, '被驳回']]);
      await app.call(s, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId: st.id });
      const after = await app.call(s, 'checkin.lastFour', { taskCode: DEMO_TASK_CODE, idLast4: st.id_last4 });
      assert.deepEqual(after.matches.map((m) => [m.studentId, m.orderStatus]), [[st.id, '已签到']]);
      setTask("checkin_mode = '集中'");
    });
  });

  describe('a reservation is good at any session of its task', () => {
    const scan = async (text: string): Promise<ScanOutcome> => (await app.call(s, 'checkin.scan', { taskCode: DEMO_TASK_CODE, text, source: 'scanner' })).outcome;
    // Signed as the server signed them before this rule: to expire at the end of the slot's day.
    const day1Token = () => {
      const r = plan.reservations.find((x) => x.slot.date === date1 && x.state === 'active')!;
      return { r, token: signDemoToken({ rid: r.id, sid: r.studentId, task: DEMO_TASK_CODE, slot: r.slot.id, exp: endOfLocalDay(date1) }) };
    };

    test('a token booked and signed for day 1 is accepted on day 2', async () => {
      const { r, token } = day1Token();
      clock = new Date(2026, 11, 9, 15, 30, 0);
      assert.deepEqual(await scan(token), { kind: 'student', via: 'reservation', studentId: r.studentId });
    });

    test('after the task\'s last session day it is expired, dated that day', async () => {
      const { r, token } = day1Token();
      clock = new Date(2026, 11, 10, 0, 0, 1);
      const o = await scan(token);
      assert.equal(o.kind, 'refused');
      const refused = o as Extract<ScanOutcome, { kind: 'refused' }>;
      assert.equal(refused.reason, 'expired');
      assert.equal(refused.studentId, r.studentId);
      assert.match(refused.zh, new RegExp(date2));
    });

    test('the task\'s dates decide, not the token\'s exp: sessions cut short end the tokens with them', async () => {
      const r = plan.reservations.find((x) => x.slot.date === date2 && x.state === 'active')!;
      const token = signDemoToken({ rid: r.id, sid: r.studentId, task: DEMO_TASK_CODE, slot: r.slot.id, exp: endOfLocalDay(date2) });
      clock = new Date(2026, 11, 9, 9, 0, 0);
      assert.equal((await scan(token)).kind, 'student');
      setTask('session_dates = ?', JSON.stringify([date1]));
      try {
        assert.equal((await scan(token)).kind, 'refused');
      } finally {
        setTask('session_dates = ?', JSON.stringify([date1, date2]));
        clock = day1;
      }
    });
  });
});
