import { z } from 'zod';
import { CheckId, Limit } from '../spec/specProfile.js';

export const CheckStatus = z.enum(['pass', 'warn', 'fail']);
export type CheckStatus = z.infer<typeof CheckStatus>;

export const OutputRegion = z
  .object({
    x: z.number().int().min(0),
    y: z.number().int().min(0),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    kind: z.enum(['leftover', 'uncovered']),
  })
  .strict();
export type OutputRegion = z.infer<typeof OutputRegion>;

/** One check of one photo. Other tools read this shape (the CLI's JSON too): add, never rename. */
export const CheckResult = z.object({
  id: CheckId,
  /** The measured value, in the unit the spec's limit uses; null when it could not be measured. */
  value: z.number().nullable(),
  limit: Limit.nullable(),
  status: CheckStatus,
  zh: z.string(),
  en: z.string(),
  /** Where on the finished photo the problem is (output pixels), for the screen to outline. Finish checks only. */
  regions: z.array(OutputRegion).max(16).optional(),
});
export type CheckResult = z.infer<typeof CheckResult>;

export const Verdict = z.object({
  specId: z.string(),
  /** The worst status among the checks. */
  status: CheckStatus,
  checks: z.array(CheckResult),
});
export type Verdict = z.infer<typeof Verdict>;

const PointSchema = z.object({ x: z.number().finite(), y: z.number().finite() });
export const FaceGeometrySchema = z.object({
  imageWidth: z.number().int().positive(),
  imageHeight: z.number().int().positive(),
  leftEye: PointSchema,
  rightEye: PointSchema,
  noseTip: PointSchema,
  mouthLeft: PointSchema,
  mouthRight: PointSchema,
  chin: PointSchema,
  crown: PointSchema,
  faceWidth: z.number().positive().finite(),
});

export function worstStatus(statuses: readonly CheckStatus[]): CheckStatus {
  return statuses.includes('fail') ? 'fail' : statuses.includes('warn') ? 'warn' : 'pass';
}
