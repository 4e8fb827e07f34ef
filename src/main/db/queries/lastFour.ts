import type { Db } from '../openDatabase.js';
import { stmt } from '../statementCache.js';

export interface LastFourRow {
  id: string;
  name: string;
  student_no: string | null;
  department: string | null;
  order_status: string | null;
}

/**
 * 散排 check-in: every student of the task whose ID ends in these four, by the (task, last 4) index.
 * One row per student with the order that says where they are: this station's live order, else
 * another station's mirrored here, else a void one. Ordered by 学号 so the list reads the same on
 * every station and every try.
 */
export function findStudentsByLastFour(db: Db, taskCode: string, last4: string, limit: number): LastFourRow[] {
  return stmt<[{ task: string; last4: string; limit: number }], LastFourRow>(
    db,
    `SELECT s.id, s.name, s.student_no, s.department, o.status AS order_status
       FROM students s LEFT JOIN orders o ON o.id = (
         SELECT x.id FROM orders x WHERE x.task_code = s.task_code AND x.student_id = s.id
         ORDER BY x.status = '已作废', x.mirror, x.updated_at DESC LIMIT 1)
      WHERE s.task_code = @task AND s.id_last4 = @last4
      ORDER BY s.student_no IS NULL, s.student_no, s.id LIMIT @limit`,
  ).all({ task: taskCode, last4, limit });
}
