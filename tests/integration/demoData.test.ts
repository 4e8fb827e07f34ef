import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoRosterCsv, generateDemoStudents } from '../../src/shared/demo/demoRoster.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { importRosterFile } from '../../src/main/roster/importRoster.js';
import { validateIdNumber } from '../../src/shared/idNumber.js';
import { tempApp } from '../helpers/tempApp.js';

test('the demo roster is believable: valid unique ID numbers, several departments and levels, reproducible', () => {
  const students = generateDemoStudents(300);
  assert.equal(students.length, 300);
  assert.ok(students.every((s) => validateIdNumber(s.idNumber).ok));
  assert.equal(new Set(students.map((s) => s.idNumber)).size, 300);
  assert.equal(new Set(students.map((s) => s.studentNo)).size, 300);
  assert.ok(new Set(students.map((s) => s.department)).size >= 5);
  assert.deepEqual(new Set(students.map((s) => s.eduLevel)), new Set(['专科', '本科', '硕士', '博士']));
  // Gender matches the ID number's 17th digit, as on a real card.
  assert.ok(students.every((s) => (Number(s.idNumber[16]) % 2 === 1 ? '男' : '女') === s.gender));
  assert.deepEqual(generateDemoStudents(5, 9), generateDemoStudents(5, 9));
  assert.notDeepEqual(generateDemoStudents(5, 9), generateDemoStudents(5, 10));
});

test('a fresh demo station has the task, 300 students with reservations across slots, and both operators; re-seeding adds nothing', async () => {
  const app = await tempApp({ demo: true });
  try {
    const q = (sql: string) => (app.ctx.db.prepare(sql).get() as { n: number }).n;
    assert.equal(q(`SELECT count(*) n FROM students WHERE task_code = '${DEMO_TASK_CODE}'`), 300);
    assert.ok(q("SELECT count(*) n FROM reservations WHERE state = 'active'") > 200);
    assert.ok(q('SELECT count(DISTINCT slot_id) n FROM reservations') > 20);
    assert.ok(q("SELECT count(*) n FROM reservations WHERE state = 'cancelled'") > 0);
    assert.equal(q('SELECT count(*) n FROM operators'), 2);
    // The same students written as a school's CSV import back as updates, not new rows.
    const csv = Buffer.from(demoRosterCsv(generateDemoStudents(300), '示范大学', '99999'), 'utf8');
    const report = await importRosterFile(app.ctx, null, DEMO_TASK_CODE, 'demo.csv', csv);
    assert.deepEqual({ imported: report.imported, updated: report.updated, rejected: report.rejected }, { imported: 0, updated: 300, rejected: 0 });
  } finally {
    await app.close();
  }
});
