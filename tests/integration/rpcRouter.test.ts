import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { listJobsForOrder } from '../../src/main/db/queries/outbox.js';
import { listAudit } from '../../src/main/db/queries/audit.js';
import { csvBytes } from '../helpers/rosterFiles.js';
import { tempApp } from '../helpers/tempApp.js';

describe('RPC router over the real store (demo task)', () => {
  let app: Awaited<ReturnType<typeof tempApp>>;
  before(async () => {
    app = await tempApp({ demo: true });
  });
  after(() => app.close());

  test('invalid payloads come back as typed BAD_INPUT errors with field details, never a throw', async () => {
    const s = await app.loggedIn();
    const cases: unknown[] = [undefined, null, 42, 'x', [], { taskCode: DEMO_TASK_CODE }, { taskCode: '../etc', query: 'a' }, { taskCode: DEMO_TASK_CODE, query: 'a'.repeat(500) }, { taskCode: DEMO_TASK_CODE, query: 'a', extra: 1 }];
    for (const input of cases) {
      const r = await app.raw('students.search', input, s);
      assert.equal(r.ok, false, JSON.stringify(input));
      if (!r.ok) {
        assert.equal(r.error.code, 'BAD_INPUT');
        assert.ok(r.error.zh && r.error.en);
        if (input !== null && typeof input === 'object' && !Array.isArray(input)) assert.ok(r.error.details && r.error.details.length > 0);
      }
    }
    const pin = await app.raw('auth.login', { pin: '12ab' }, app.newSession());
    assert.ok(!pin.ok && pin.error.code === 'BAD_INPUT' && pin.error.details?.[0]?.includes('PIN'));
  });

  test('unknown procedures, missing login and wrong role are refused with their own codes', async () => {
    const anon = app.newSession();
    const unknown = await app.raw('db.dropEverything', {}, anon);
    assert.ok(!unknown.ok && unknown.error.code === 'UNKNOWN_PROCEDURE');
    const proto = await app.raw('__proto__', {}, anon);
    assert.ok(!proto.ok && proto.error.code === 'UNKNOWN_PROCEDURE');
    const noLogin = await app.raw('tasks.list', {}, anon);
    assert.ok(!noLogin.ok && noLogin.error.code === 'UNAUTHENTICATED');
    const photographer = await app.loggedIn('1234');
    const forbidden = await app.raw('roster.import', { taskCode: DEMO_TASK_CODE, fileName: 'a.csv', contentBase64: '' }, photographer);
    assert.ok(!forbidden.ok && forbidden.error.code === 'FORBIDDEN');
    const wrong = await app.raw('auth.login', { pin: '0000' }, anon);
    assert.ok(!wrong.ok && wrong.error.code === 'WRONG_PIN');
    assert.equal((await app.call(anon, 'auth.me', {})).operator, null);
  });

  test('the demo task lists with its students; PIN login identifies operator and role', async () => {
    const manager = app.newSession();
    const { operator } = await app.call(manager, 'auth.login', { pin: '9999' });
    assert.equal(operator.role, 'manager');
    const { tasks } = await app.call(manager, 'tasks.list', {});
    const demo = tasks.find((t) => t.code === DEMO_TASK_CODE);
    assert.ok(demo);
    assert.equal(demo.studentCount, 300);
    await app.call(manager, 'auth.logout', {});
    assert.equal((await app.call(manager, 'auth.me', {})).operator, null);
  });

  test('search finds students by ID last four, name, pinyin initials and student number', async () => {
    const s = await app.loggedIn();
    const row = app.ctx.db.prepare('SELECT id, name, name_initials, id_last4, student_no, exam_no, id_masked FROM students WHERE task_code = ? LIMIT 1 OFFSET 17').get(DEMO_TASK_CODE) as Record<string, string>;
    const byLast4 = await app.call(s, 'students.search', { taskCode: DEMO_TASK_CODE, query: row.id_last4! });
    const hit = byLast4.students.find((x) => x.id === row.id);
    assert.ok(hit, 'found by last 4');
    assert.equal(hit.idMasked, row.id_masked);
    assert.match(hit.idMasked!, /^\d{4}\*{10}[\dX]{4}$/);
    for (const q of [row.name!, row.name_initials!, row.name_initials!.toUpperCase(), row.student_no!, row.exam_no!, row.student_no!.slice(0, 8)]) {
      const r = await app.call(s, 'students.search', { taskCode: DEMO_TASK_CODE, query: q });
      assert.ok(r.students.some((x) => x.id === row.id), `query ${q}`);
    }
    const none = await app.call(s, 'students.search', { taskCode: DEMO_TASK_CODE, query: '不存在的名字' });
    assert.deepEqual(none, { students: [], truncated: false });
    // LIKE wildcards typed by a person are literal characters, not patterns.
    const pct = await app.call(s, 'students.search', { taskCode: DEMO_TASK_CODE, query: '%' });
    assert.equal(pct.students.length, 0);
  });

  test('check-in opens one order with its sync job and audit entry, and is idempotent', async () => {
    const s = await app.loggedIn();
    const studentId = (app.ctx.db.prepare('SELECT id FROM students WHERE task_code = ? LIMIT 1 OFFSET 3').get(DEMO_TASK_CODE) as { id: string }).id;
    const events: string[] = [];
    const unsubscribe = app.ctx.subscribe((n) => events.push(n));
    const first = await app.call(s, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId });
    assert.deepEqual({ status: first.status, already: first.alreadyCheckedIn }, { status: '已签到', already: false });
    const second = await app.call(s, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId });
    assert.equal(second.orderId, first.orderId);
    assert.equal(second.alreadyCheckedIn, true);
    unsubscribe();
    assert.deepEqual(events, ['orders.changed']);
    const jobs = listJobsForOrder(app.ctx.db, first.orderId);
    assert.deepEqual(jobs.map((j) => [j.id, j.kind, j.state]), [[`order:${first.orderId}:r1`, 'order.upsert', 'queued']]);
    assert.ok(listAudit(app.ctx.db).some((a) => a.action === 'checkin.confirm' && a.entity_id === first.orderId));
    const card = await app.call(s, 'students.get', { taskCode: DEMO_TASK_CODE, studentId });
    assert.equal(card.student.order?.status, '已签到');
    const { orders } = await app.call(s, 'orders.list', { taskCode: DEMO_TASK_CODE });
    assert.ok(orders.some((o) => o.id === first.orderId && o.syncState === 'pending' && o.operatorName === '摄影师 01'));
    const missing = await app.raw('checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId: 'no-such-student' }, s);
    assert.ok(!missing.ok && missing.error.code === 'NOT_FOUND');
  });

  test('a site manager imports a roster through RPC; the report comes back typed', async () => {
    const m = await app.loggedIn('9999');
    const bytes = csvBytes([
      ['姓名', '身份证号'],
      ['测试', '123'],
    ]);
    const { report } = await app.call(m, 'roster.import', { taskCode: DEMO_TASK_CODE, fileName: 'r.csv', contentBase64: bytes.toString('base64') });
    assert.equal(report.rejected, 1);
    assert.equal(report.problems[0]?.reason, 'id_format');
    const notB64 = await app.raw('roster.import', { taskCode: DEMO_TASK_CODE, fileName: 'r.csv', contentBase64: '!!!not base64!!!' }, m);
    assert.ok(!notB64.ok && notB64.error.code === 'BAD_INPUT');
    assert.ok(listAudit(app.ctx.db).some((a) => a.action === 'roster.import' && a.operator_id === 'op-manager-1'));
  });
});
