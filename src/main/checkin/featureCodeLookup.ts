import type { StudentSummary } from '../../shared/domain/entities.js';
import { checkFeatureCode, FeatureCodeFormat } from '../../shared/checkin/taskRules.js';
import { AppError } from '../../shared/errors.js';
import { findStudentsByFeatureCode } from '../db/queries/students.js';
import { getTask } from '../db/queries/tasks.js';
import { featureCodeDigest } from '../security/digest.js';
import type { AppContext } from '../services/AppContext.js';
import { toStudentSummary } from '../services/studentSearch.js';

/**
 * 任务代码 + 身份证后四位 + 特征码, as students know it from the mini-program. The 特征码's format is
 * the task's (4 digits in 广东, 6 letters or digits at 新华社, 24 hex characters elsewhere): a code
 * that cannot be this task's is refused in those words rather than looked up and "not found".
 */
export function findByFeatureCode(ctx: AppContext, taskCode: string, idLast4: string, featureCode: string): StudentSummary[] {
  const task = getTask(ctx.db, taskCode);
  if (!task) throw new AppError('NOT_FOUND', { zh: '本站没有这个采集任务', en: 'This station has no such task' });
  const format = FeatureCodeFormat.parse({ length: task.feature_code_length, alphabet: task.feature_code_alphabet });
  const checked = checkFeatureCode(format, featureCode);
  if (!checked.ok) throw new AppError('BAD_INPUT', { zh: checked.zh, en: checked.en, details: [`featureCode: ${checked.en}`] });
  return findStudentsByFeatureCode(ctx.db, taskCode, idLast4.toUpperCase(), featureCodeDigest(checked.code)).map(toStudentSummary);
}
