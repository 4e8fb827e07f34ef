import type { FaceIssue, FaceMatchView, SidedIssue } from '../../shared/faceMatch/decision.js';
import { FACE_DECISION_EN, FACE_ISSUE_MESSAGES, FACE_SIDE_LABELS } from '../../shared/faceMatch/messages.js';
import { analyseFace, embeddingDistance, type FaceAnalysis, type PhotoRole } from '../faceMatch/analyseFace.js';
import { compareAnalyses } from '../faceMatch/compare.js';
import { STILL_LIMITS } from '../imaging/readStill.js';
import { fileError, readInputFile } from './fileError.js';

/** One photo in `match --json`. */
export interface MatchPhotoReport {
  file: string;
  /** Faces of comparable size found; null when the file could not be read. */
  faces: number | null;
  issues: FaceIssue[];
  /** Distance between the eye centres, in the photo's own pixels. */
  interEyePx: number | null;
  error: { code: string; zh: string; en: string } | null;
}

/**
 * `campus-capture match A B --json`: other tools read this shape; add fields, never rename or remove.
 * A is taken as the admission (reference) photo, B as the captured one, exactly as the station does.
 */
export interface MatchReport {
  admission: MatchPhotoReport;
  capture: MatchPhotoReport;
  /** 1 − distance, 3 decimals (higher: more alike); null when either photo has no usable face. */
  score: number | null;
  /** Euclidean distance between the two 128-d embeddings (dlib's own metric), 4 decimals. */
  distance: number | null;
  threshold: number;
  passAt: number;
  failBelow: number;
  /** 比对通过 | 比对不通过 | 需人工确认 (the wire values the order carries). */
  decision: FaceMatchView['decision'];
  decisionEn: string;
  issues: SidedIssue[];
  model: string;
}

async function analyseFile(file: string, role: PhotoRole): Promise<{ report: MatchPhotoReport; analysis: FaceAnalysis | null }> {
  try {
    const analysis = await analyseFace(await readInputFile(file, STILL_LIMITS.maxBytes), role);
    return { report: { file, faces: analysis.faces, issues: analysis.issues, interEyePx: analysis.interEyePx === null ? null : Math.round(analysis.interEyePx * 10) / 10, error: null }, analysis };
  } catch (err) {
    return { report: { file, faces: null, issues: ['unreadable'], interEyePx: null, error: fileError(err) }, analysis: null };
  }
}

/** The comparison the station makes, on two files. Exit 0 whatever the decision; 2 only for usage errors (in main.ts). */
export async function matchCommand(opts: { admission: string; capture: string; json: boolean }): Promise<number> {
  const a = await analyseFile(opts.admission, 'admission');
  const b = await analyseFile(opts.capture, 'capture');
  const view = compareAnalyses(
    { embedding: a.analysis?.embedding ?? null, issues: a.report.issues },
    { embedding: b.analysis?.embedding ?? null, issues: b.report.issues },
  );
  const distance = a.analysis?.embedding && b.analysis?.embedding ? Math.round(embeddingDistance(a.analysis.embedding, b.analysis.embedding) * 10000) / 10000 : null;
  const report: MatchReport = {
    admission: a.report,
    capture: b.report,
    score: view.score,
    distance,
    threshold: view.threshold,
    passAt: view.passAt,
    failBelow: view.failBelow,
    decision: view.decision,
    decisionEn: FACE_DECISION_EN[view.decision],
    issues: view.issues,
    model: view.model,
  };
  process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
  return 0;
}

function formatReport(r: MatchReport): string {
  const lines = [
    `${r.decision} / ${r.decisionEn}`,
    `  相似度 score ${r.score === null ? '—' : r.score.toFixed(3)}  阈值 threshold ${r.threshold.toFixed(2)} (通过 pass ≥ ${r.passAt.toFixed(2)}, 不通过 no match < ${r.failBelow.toFixed(2)})`,
  ];
  for (const [side, p] of [['admission', r.admission], ['capture', r.capture]] as const) {
    const label = FACE_SIDE_LABELS[side];
    lines.push(`  ${label.zh} / ${label.en}: ${p.file}${p.faces === null ? '' : `  faces ${p.faces}${p.interEyePx === null ? '' : `, eyes ${p.interEyePx} px apart`}`}`);
    if (p.error) lines.push(`    ✗ ${p.error.zh} / ${p.error.en}`);
    else for (const code of p.issues) lines.push(`    ! ${FACE_ISSUE_MESSAGES[code].zh} / ${FACE_ISSUE_MESSAGES[code].en}`);
  }
  return lines.join('\n') + '\n';
}
