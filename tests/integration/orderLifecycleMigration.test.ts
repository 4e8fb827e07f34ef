import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../src/main/db/migrate.js';
import { MIGRATIONS } from '../../src/main/db/migrations/index.js';

/** Migration 0009 rebuilds the orders table (a void order frees its student for a new one): the
 * rows, their children and the rules survive it. */
test('0009 keeps every order and its shots, jobs and prints, and lets a void order make way for a new one', () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, MIGRATIONS.slice(0, 8));
  const now = '2026-12-07T08:00:00.000Z';
  db.prepare("INSERT INTO tasks (code, name, school_name, school_code, site, session_dates, slots, spec_id, price_cents, public_key, created_at, updated_at) VALUES ('T1','n','s','1','site','[]','[]','xuexin',0,NULL,?,?)").run(now, now);
  for (const id of ['s1', 's2']) db.prepare("INSERT INTO students (id, task_code, name, name_initials, school_name, source, created_at, updated_at) VALUES (?,'T1','张三','zs','s','roster',?,?)").run(id, now, now);
  db.prepare("INSERT INTO orders (id, task_code, student_id, status, station_id, rejection_reason, chosen_capture_id, created_at, updated_at) VALUES ('o1','T1','s1','被驳回','st','照片模糊','c1',?,?)").run(now, now);
  db.prepare("INSERT INTO orders (id, task_code, student_id, status, station_id, receipt_token, created_at, updated_at) VALUES ('o2','T1','s2','已采集','st','tok',?,?)").run(now, now);
  db.prepare("INSERT INTO captures (id, order_id, original_path, sha256, camera, taken_at) VALUES ('c1','o1','/x','aa','cam',?)").run(now);
  db.prepare("INSERT INTO captures (id, order_id, original_path, sha256, camera, taken_at) VALUES ('c2','o2','/y','bb','cam',?)").run(now);
  db.prepare("INSERT INTO outbox_jobs (id, kind, order_id, payload, next_attempt_at, created_at, updated_at) VALUES ('j1','order.upsert','o2','{}',?,?,?)").run(now, now, now);

  migrate(db, MIGRATIONS);
  assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  assert.deepEqual(
    db.prepare('SELECT id, status, rejection_reason, receipt_token FROM orders ORDER BY id').all(),
    [
      { id: 'o1', status: '被驳回', rejection_reason: '照片模糊', receipt_token: null },
      { id: 'o2', status: '已采集', rejection_reason: null, receipt_token: 'tok' },
    ],
  );
  // Shots of an order rejected before the upgrade count as taken before the rejection.
  assert.deepEqual(db.prepare('SELECT id, before_rejection, rejected_reason FROM captures ORDER BY id').all(), [
    { id: 'c1', before_rejection: 1, rejected_reason: '照片模糊' },
    { id: 'c2', before_rejection: 0, rejected_reason: null },
  ]);
  // Foreign keys still bind children to the rebuilt table.
  assert.throws(() => db.prepare("INSERT INTO captures (id, order_id, original_path, sha256, camera, taken_at) VALUES ('c3','nope','/z','cc','cam',?)").run(now), /FOREIGN KEY/);
  // One live order per student: a second is refused, a void one makes way.
  const second = () => db.prepare("INSERT INTO orders (id, task_code, student_id, status, station_id, created_at, updated_at) VALUES ('o3','T1','s2','已签到','st',?,?)").run(now, now);
  assert.throws(second, /UNIQUE/);
  db.prepare("UPDATE orders SET status = '已作废' WHERE id = 'o2'").run();
  second();
  assert.throws(() => db.prepare("INSERT INTO orders (id, task_code, student_id, status, station_id, receipt_token, created_at, updated_at) VALUES ('o4','T1','s1','已签到','st','tok',?,?)").run(now, now), /UNIQUE/);
  db.close();
});
