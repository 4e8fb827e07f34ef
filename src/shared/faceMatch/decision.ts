import { z } from 'zod';

/**
 * The face comparison's outcome, as stored on the order and sent to the server
 * (OrderUpload.faceMatch.decision). These four strings are the wire values: never rename them.
 */
export const FACE_MATCH_DECISIONS = ['比对通过', '比对不通过', '需人工确认', '未比对'] as const;
export const FaceMatchDecision = z.enum(FACE_MATCH_DECISIONS);
export type FaceMatchDecision = z.infer<typeof FaceMatchDecision>;

/** Why a photo cannot be compared as it is. Each one keeps a comparison from passing by itself. */
export const FACE_ISSUES = [
  'no_face', // no face found
  'multiple_faces', // a second face of comparable size
  'face_too_small', // eyes closer than MIN_EYE_DISTANCE_PX: too few pixels to compare
  'face_turned', // head turned far from frontal
  'greyscale', // black-and-white photo
  'too_dark', // the face is very dark
  'printed_scan', // looks like a scan or photo of a printed picture (halftone screen, paper margin)
  'unreadable', // not an image, or damaged
  'match_error', // the embedder failed (logged)
] as const;
export const FaceIssue = z.enum(FACE_ISSUES);
export type FaceIssue = z.infer<typeof FaceIssue>;

export const FACE_SIDES = ['admission', 'capture'] as const;
export const FaceSide = z.enum(FACE_SIDES);
export const SidedIssue = z.object({ side: FaceSide, code: FaceIssue });
export type SidedIssue = z.infer<typeof SidedIssue>;

/**
 * Calibrated on ../shared/testdata/faces/identities (bench/match, README "录取照片比对"): the dlib
 * model's Euclidean distance between two 128-d embeddings; the score shown is 1 − distance, so higher
 * is more alike. Threshold 0.40 (distance 0.60, also dlib's own published operating point); within
 * ±BAND of it a person decides.
 */
export const FACE_MATCH_THRESHOLD = 0.4;
export const FACE_MATCH_BAND = 0.05;
/** At or above: 比对通过 (when neither photo has an issue). THRESHOLD + BAND. */
export const FACE_MATCH_PASS_AT = 0.45;
/** Below: 比对不通过. Between the two: 需人工确认. THRESHOLD − BAND. */
export const FACE_MATCH_FAIL_BELOW = 0.35;

export function scoreFromDistance(distance: number): number {
  return Math.round((1 - distance) * 1000) / 1000;
}

/**
 * The decision for a score (null: nothing to compare, e.g. no face) and the photos' issues. An issue
 * never lets a comparison pass on its own: at best a person confirms (需人工确认); a clear mismatch
 * stays 比对不通过 whatever else is wrong.
 */
export function decideFaceMatch(score: number | null, issues: readonly SidedIssue[]): FaceMatchDecision {
  if (score === null || !Number.isFinite(score)) return '需人工确认';
  // Rounded as shown, so the screen and the decision never disagree at a boundary.
  const s = Math.round(score * 1000) / 1000;
  if (s < FACE_MATCH_FAIL_BELOW) return '比对不通过';
  if (s >= FACE_MATCH_PASS_AT && issues.length === 0) return '比对通过';
  return '需人工确认';
}

/** Acceptance needs the photographer's confirmation of identity (with a reason) for these. */
export function needsIdentityConfirmation(decision: FaceMatchDecision): boolean {
  return decision === '比对不通过' || decision === '需人工确认';
}

/** What a comparison returns to the screens and the CLI. Other tools read it: add fields, never rename. */
export const FaceMatchView = z.object({
  decision: FaceMatchDecision,
  /** 1 − embedding distance, 3 decimals; null when there was nothing to compare. */
  score: z.number().nullable(),
  threshold: z.number(),
  passAt: z.number(),
  failBelow: z.number(),
  issues: z.array(SidedIssue),
  /** Which embedder made the numbers (a model change invalidates cached embeddings). */
  model: z.string(),
});
export type FaceMatchView = z.infer<typeof FaceMatchView>;

export function faceMatchView(score: number | null, issues: SidedIssue[], model: string, decision = decideFaceMatch(score, issues)): FaceMatchView {
  return { decision, score, threshold: FACE_MATCH_THRESHOLD, passAt: FACE_MATCH_PASS_AT, failBelow: FACE_MATCH_FAIL_BELOW, issues, model };
}
