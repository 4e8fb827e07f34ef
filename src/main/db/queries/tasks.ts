import { DEFAULT_CHECKIN_MODE, DEFAULT_FEATURE_CODE_FORMAT, type CheckinMode, type FeatureCodeAlphabet } from '../../../shared/checkin/taskRules.js';
import { DEFAULT_TASK_RIGHTS, taskRightsFromRow, type TaskRights } from '../../../shared/domain/taskRights.js';
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
  /** The 特征码's format and the check-in mode (0008); see src/shared/checkin/taskRules.ts. */
  feature_code_length: number;
  feature_code_alphabet: FeatureCodeAlphabet;
  checkin_mode: CheckinMode;
  /** What a photographer may do under this task, 0/1 (0011); see src/shared/domain/taskRights.ts. */
  photographer_may_withdraw: 0 | 1;
  photographer_may_set_camera: 0 | 1;
}

type TaskRules = 'feature_code_length' | 'feature_code_alphabet' | 'checkin_mode' | 'photographer_may_withdraw' | 'photographer_may_set_camera';
/** A task without rules given (a local import, a test) gets the defaults every station had before. */
export type TaskInput = Omit<TaskRow, TaskRules> & Partial<Pick<TaskRow, TaskRules>>;

export function upsertTask(db: Db, t: TaskInput, now: string): void {
  stmt(
    db,
    `INSERT INTO tasks (code, name, school_name, school_code, site, session_dates, slots, spec_id, price_cents, public_key,
       feature_code_length, feature_code_alphabet, checkin_mode, photographer_may_withdraw, photographer_may_set_camera, created_at, updated_at)
     VALUES (@code, @name, @school_name, @school_code, @site, @session_dates, @slots, @spec_id, @price_cents, @public_key,
       @feature_code_length, @feature_code_alphabet, @checkin_mode, @photographer_may_withdraw, @photographer_may_set_camera, @now, @now)
     ON CONFLICT(code) DO UPDATE SET name = excluded.name, school_name = excluded.school_name, school_code = excluded.school_code,
       site = excluded.site, session_dates = excluded.session_dates, slots = excluded.slots, spec_id = excluded.spec_id,
       price_cents = excluded.price_cents, public_key = excluded.public_key, feature_code_length = excluded.feature_code_length,
       feature_code_alphabet = excluded.feature_code_alphabet, checkin_mode = excluded.checkin_mode,
       photographer_may_withdraw = excluded.photographer_may_withdraw, photographer_may_set_camera = excluded.photographer_may_set_camera,
       updated_at = excluded.updated_at`,
  ).run({
    feature_code_length: DEFAULT_FEATURE_CODE_FORMAT.length,
    feature_code_alphabet: DEFAULT_FEATURE_CODE_FORMAT.alphabet,
    checkin_mode: DEFAULT_CHECKIN_MODE,
    photographer_may_withdraw: DEFAULT_TASK_RIGHTS.photographerMayWithdraw ? 1 : 0,
    photographer_may_set_camera: DEFAULT_TASK_RIGHTS.photographerMaySetCamera ? 1 : 0,
    ...t,
    now,
  });
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
      feature_code_length: t.featureCodeFormat.length,
      feature_code_alphabet: t.featureCodeFormat.alphabet,
      checkin_mode: t.checkinMode,
      photographer_may_withdraw: t.photographerMayWithdraw ? 1 : 0,
      photographer_may_set_camera: t.photographerMaySetCamera ? 1 : 0,
    },
    now,
  );
}

export function getTask(db: Db, code: string): TaskRow | undefined {
  return stmt<[string], TaskRow>(db, 'SELECT * FROM tasks WHERE code = ?').get(code);
}

/** The task's rights as the station holds them; undefined for a task it does not hold. */
export function getTaskRights(db: Db, code: string): TaskRights | undefined {
  const row = stmt<[string], Pick<TaskRow, 'photographer_may_withdraw' | 'photographer_may_set_camera'>>(
    db,
    'SELECT photographer_may_withdraw, photographer_may_set_camera FROM tasks WHERE code = ?',
  ).get(code);
  return row ? taskRightsFromRow(row) : undefined;
}

/** Every task's rights at this station: a camera setting named for no task must fit all of them. */
export function allTaskRights(db: Db): TaskRights[] {
  return stmt<[], Pick<TaskRow, 'photographer_may_withdraw' | 'photographer_may_set_camera'>>(db, 'SELECT photographer_may_withdraw, photographer_may_set_camera FROM tasks')
    .all()
    .map(taskRightsFromRow);
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
