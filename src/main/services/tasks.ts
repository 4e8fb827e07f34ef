import { z } from 'zod';
import type { TaskSummary } from '../../shared/domain/entities.js';
import { taskRightsFromRow } from '../../shared/domain/taskRights.js';
import { listTasks } from '../db/queries/tasks.js';
import type { AppContext } from './AppContext.js';

const Dates = z.array(z.string());

export function listTaskSummaries(ctx: AppContext): TaskSummary[] {
  return listTasks(ctx.db).map((t) => ({
    code: t.code,
    name: t.name,
    schoolName: t.school_name,
    schoolCode: t.school_code,
    site: t.site,
    sessionDates: Dates.parse(JSON.parse(t.session_dates)),
    specId: t.spec_id,
    studentCount: t.student_count,
    capturedCount: t.captured_count,
    featureCodeFormat: { length: t.feature_code_length, alphabet: t.feature_code_alphabet },
    checkinMode: t.checkin_mode,
    ...taskRightsFromRow(t),
  }));
}
