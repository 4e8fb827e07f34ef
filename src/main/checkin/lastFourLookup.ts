import { CheckinMode } from '../../shared/checkin/taskRules.js';
import type { LastFourMatch } from '../../shared/rpc/contract.js';
import { OrderStatus } from '../../shared/domain/status.js';
import { AppError } from '../../shared/errors.js';
import { findStudentsByLastFour } from '../db/queries/lastFour.js';
import { getTask } from '../db/queries/tasks.js';
import type { AppContext } from '../services/AppContext.js';

/** More than a screenful is not a choice a student can make by name and 学号; the photographer then searches by name. */
export const LAST_FOUR_LIMIT = 20;

/**
 * A name as the 散排 list shows it: the first character and, for names of three or more, the last;
 * every other character a *. Anyone at the desk can read the screen, and ID last 4 alone is no
 * proof of who is asking, so the list must not give away the names of the others who share them.
 */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return `${chars[0]}*`;
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
}

/**
 * 散排采集 (广东 manual): the student gives the task code and ID last 4 alone. Every match is
 * listed for the photographer to choose from with the student; none is picked here, even when
 * only one matches (the card then asks for confirmation). Only a 散排 task checks in this way: a
 * 集中 task's students prove themselves with their 特征码 or a code.
 */
export function findByLastFour(ctx: AppContext, taskCode: string, idLast4: string): { matches: LastFourMatch[]; truncated: boolean } {
  const task = getTask(ctx.db, taskCode);
  if (!task) throw new AppError('NOT_FOUND', { zh: '本站没有这个采集任务', en: 'This station has no such task' });
  if (CheckinMode.parse(task.checkin_mode) !== '散排') {
    throw new AppError('BAD_INPUT', {
      zh: '本任务为集中采集：请用身份证后四位加特征码，或预约码、学信网采集码签到',
      en: 'This task is a scheduled (集中) session: check in with ID last 4 and the feature code, or a reservation or CHSI code',
    });
  }
  const rows = findStudentsByLastFour(ctx.db, taskCode, idLast4.toUpperCase(), LAST_FOUR_LIMIT + 1);
  return {
    truncated: rows.length > LAST_FOUR_LIMIT,
    matches: rows.slice(0, LAST_FOUR_LIMIT).map((r) => ({
      studentId: r.id,
      maskedName: maskName(r.name),
      studentNo: r.student_no,
      department: r.department,
      orderStatus: r.order_status === null ? null : OrderStatus.parse(r.order_status),
    })),
  };
}
