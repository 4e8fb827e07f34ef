import type { StudentSummary } from '../../shared/domain/entities.js';
import { findStudentsByFeatureCode } from '../db/queries/students.js';
import { featureCodeDigest } from '../security/digest.js';
import type { AppContext } from '../services/AppContext.js';
import { toStudentSummary } from '../services/studentSearch.js';

/** 任务代码 + 身份证后四位 + 特征码, as students know it from the Guangdong mini-program. */
export function findByFeatureCode(ctx: AppContext, taskCode: string, idLast4: string, featureCode: string): StudentSummary[] {
  return findStudentsByFeatureCode(ctx.db, taskCode, idLast4.toUpperCase(), featureCodeDigest(featureCode)).map(toStudentSummary);
}
