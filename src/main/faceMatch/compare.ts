import { faceMatchView, scoreFromDistance, type FaceIssue, type FaceMatchView, type SidedIssue } from '../../shared/faceMatch/decision.js';
import { embeddingDistance } from './analyseFace.js';
import { EMBEDDER_ID } from './faceModels.js';

export interface Side {
  embedding: Float32Array | null;
  issues: readonly FaceIssue[];
}

/** The one comparison the station, the CLI and the bench make: score, issues of both photos, decision. */
export function compareAnalyses(admission: Side, capture: Side): FaceMatchView {
  const issues: SidedIssue[] = [
    ...admission.issues.map((code) => ({ side: 'admission' as const, code })),
    ...capture.issues.map((code) => ({ side: 'capture' as const, code })),
  ];
  const score = admission.embedding && capture.embedding ? scoreFromDistance(embeddingDistance(admission.embedding, capture.embedding)) : null;
  return faceMatchView(score, issues, EMBEDDER_ID);
}
