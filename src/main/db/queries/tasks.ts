import type { TaskItem } from '../../../shared/sync/protocol.js';
import type { Db } from '../openDatabase.js';
import { stmt } from '../statementCache.js';

export interface TaskRow {
  code: string;
  name: string;
  school_name: string;
  school_code: string;
  site: string;
  session_dates: string;
  slots: string;
  spec_id: string;
  price_cents: number;
  public_key: string | null;
}

export function upsertTask(db: Db, t: TaskRow, now: string): void {
  stmt(
    db,
    `INSERT INTO tasks (code, name, school_name, school_code, site, session_dates, slots, spec_id, price_cents, public_key, created_at, updated_at)
     VALUES (@code, @name, @school_name, @school_code, @site, @session_dates, @slots, @spec_id, @price_cents, @public_key, @now, @now)
     ON CONFLICT(code) DO UPDATE SET name = excluded.name, school_name = excluded.school_name, school_code = excluded.school_code,
       site = excluded.site, session_dates = excluded.session_dates, slots = excluded.slots, spec_id = excluded.spec_id,
       price_cents = excluded.price_cents, public_key = excluded.public_key, updated_at = excluded.updated_at`,
  ).run({ ...t, now });
}

/** A task as the server's feed (or the demo plan) describes it. */
export function upsertTaskItem(db: Db, t: TaskItem, now: string): void {
  upsertTask(
    db,
    {
      code: t.code,
      name: t.name,
      school_name: t.schoolName,
      school_code: t.schoolCode,
      site: t.site,
      session_dates: JSON.stringify(t.sessionDates),
      slots: JSON.stringify(t.slots),
      spec_id: t.specId,
      price_cents: t.priceCents,
      public_key: t.publicKey,
    },
    now,
  );
}

export function getTask(db: Db, code: string): TaskRow | undefined {
  return stmt<[string], TaskRow>(db, 'SELECT * FROM tasks WHERE code = ?').get(code);
}

export interface TaskListRow extends TaskRow {
  student_count: number;
  captured_count: number;
}

export function listTasks(db: Db): TaskListRow[] {
  return stmt<[], TaskListRow>(
    db,
    `SELECT t.*,
       (SELECT count(*) FROM students s WHERE s.task_code = t.code) AS student_count,
       (SELECT count(*) FROM orders o WHERE o.task_code = t.code AND o.status NOT IN ('已签到', '采集中', '已作废')) AS captured_count
     FROM tasks t ORDER BY t.code`,
  ).all();
}
