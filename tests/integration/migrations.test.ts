import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../../src/main/db/migrate.js';
import { MIGRATIONS } from '../../src/main/db/migrations/index.js';
import { openDatabase } from '../../src/main/db/openDatabase.js';
import { AppError } from '../../src/shared/errors.js';
import { tempDir } from '../helpers/tempApp.js';

const TABLES = ['settings', 'operators', 'tasks', 'students', 'reservations', 'orders', 'captures', 'outbox_jobs', 'audit_log'];

test('migration 0001 creates the domain tables on a real file, in WAL with foreign keys on', () => {
  const tmp = tempDir();
  try {
    const db = openDatabase(join(tmp.dir, 's.sqlite'));
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => (r as { name: string }).name);
    for (const t of TABLES) assert.ok(names.includes(t), `table ${t}`);
    const now = new Date().toISOString();
    const insertTask = "INSERT INTO tasks (code, name, school_name, school_code, site, session_dates, slots, spec_id, price_cents, public_key, created_at, updated_at) VALUES (?,'n','s','1','site','[]','[]','xuexin',0,NULL,?,?)";
    db.prepare(insertTask).run('T1', now, now);
    // A task made without check-in rules gets what every station enforced before them (0008)...
    assert.deepEqual(db.prepare('SELECT feature_code_length, feature_code_alphabet, checkin_mode FROM tasks').get(), { feature_code_length: 6, feature_code_alphabet: 'alnum', checkin_mode: '集中' });
    // ...and rules outside the known ones cannot be written.
    assert.throws(() => db.prepare("UPDATE tasks SET feature_code_alphabet = 'emoji'").run(), /CHECK/);
    assert.throws(() => db.prepare("UPDATE tasks SET checkin_mode = '随便'").run(), /CHECK/);
    assert.throws(() => db.prepare('UPDATE tasks SET feature_code_length = 0').run(), /CHECK/);
    // A status outside the state machine cannot be written, nor an order for a missing student.
    assert.throws(() =>
      db.prepare("INSERT INTO orders (id, task_code, student_id, status, station_id, created_at, updated_at) VALUES ('o','T1','nobody','已签到','st',?,?)").run(now, now),
    /FOREIGN KEY/);
    db.prepare("INSERT INTO students (id, task_code, name, name_initials, school_name, source, created_at, updated_at) VALUES ('s1','T1','张三','zs','s','roster',?,?)").run(now, now);
    assert.throws(() =>
      db.prepare("INSERT INTO orders (id, task_code, student_id, status, station_id, created_at, updated_at) VALUES ('o','T1','s1','拍好了','st',?,?)").run(now, now),
    /CHECK/);
    assert.throws(() =>
      db.prepare("INSERT INTO orders (id, task_code, student_id, status, sync_state, station_id, created_at, updated_at) VALUES ('o','T1','s1','已签到','uploaded','st',?,?)").run(now, now),
    /CHECK/);
    db.close();
    // Re-opening runs nothing and keeps the data.
    const again = openDatabase(join(tmp.dir, 's.sqlite'));
    assert.equal((again.prepare('SELECT count(*) n FROM students').get() as { n: number }).n, 1);
    again.close();
  } finally {
    tmp.cleanup();
  }
});

test('the search index for ID last four is the one SQLite uses', () => {
  const tmp = tempDir();
  try {
    const db = openDatabase(join(tmp.dir, 's.sqlite'));
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT id FROM students WHERE task_code = 'T' AND id_last4 = '1234'").all() as { detail: string }[];
    assert.ok(plan.some((p) => p.detail.includes('students_task_last4')), JSON.stringify(plan));
    db.close();
  } finally {
    tmp.cleanup();
  }
});

test('a database from a newer app version is refused with a clear message and left untouched', () => {
  const tmp = tempDir();
  try {
    const file = join(tmp.dir, 'new.sqlite');
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    assert.throws(
      () => openDatabase(file),
      (err: unknown) => err instanceof AppError && err.code === 'DB_TOO_NEW' && err.zh.includes('升级'),
    );
    const check = new Database(file);
    assert.equal(check.pragma('user_version', { simple: true }), 99);
    check.close();
  } finally {
    tmp.cleanup();
  }
});

test('a file that is not a database is refused with a clear message and left byte for byte as it was', () => {
  const tmp = tempDir();
  try {
    const file = join(tmp.dir, 'station.sqlite');
    const junk = Buffer.from('這不是數據庫 / this is not a database, just some bytes that happen to sit here'.repeat(80));
    writeFileSync(file, junk);
    assert.throws(() => openDatabase(file), (err: unknown) => err instanceof AppError && err.code === 'DB_CORRUPT' && err.zh.includes(file));
    assert.deepEqual(readFileSync(file), junk);
  } finally {
    tmp.cleanup();
  }
});

test('a failing step rolls back every pending step', () => {
  const db = new Database(':memory:');
  const steps = [
    { version: 1, name: 'ok', up: 'CREATE TABLE a (x INTEGER) STRICT;' },
    { version: 2, name: 'broken', up: 'CREATE TABLE b (x INTEGER) STRICT; THIS IS NOT SQL;' },
  ];
  assert.throws(() => migrate(db, steps));
  assert.equal(db.pragma('user_version', { simple: true }), 0);
  assert.equal((db.prepare("SELECT count(*) n FROM sqlite_master WHERE name = 'a'").get() as { n: number }).n, 0);
  assert.throws(() => migrate(db, [{ version: 2, name: 'misnumbered', up: '' }]), /numbered 2, expected 1/);
  db.close();
});
