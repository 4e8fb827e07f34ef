// The face comparison on the shared identities set: ms per face for each stage, and the ROC figures at
// the chosen threshold. Run: node --import tsx bench/match/run.ts [--pairs]   (prints; asserts nothing)
import { readFileSync } from 'node:fs';
import { analyseFace, embeddingDistance, type FaceAnalysis } from '../../src/main/faceMatch/analyseFace.js';
import { faceNets } from '../../src/main/faceMatch/faceModels.js';
import { decideFaceMatch, FACE_MATCH_FAIL_BELOW, FACE_MATCH_PASS_AT, FACE_MATCH_THRESHOLD, scoreFromDistance } from '../../src/shared/faceMatch/decision.js';
import { allPairs, identityPhotos, rocFigures } from './identities.js';

const showPairs = process.argv.includes('--pairs');
const tLoad = performance.now();
await faceNets();
console.log(`models loaded in ${(performance.now() - tLoad).toFixed(0)} ms (tfjs WASM backend, ${process.arch}, Node ${process.version})`);

const photos = identityPhotos();
// One warm-up so first-call compilation is not counted.
await analyseFace(readFileSync(photos[0]!.file), 'admission');
const analysed: Array<{ person: string; label: string; r: FaceAnalysis }> = [];
for (const p of photos) analysed.push({ person: p.person, label: p.label, r: await analyseFace(readFileSync(p.file), 'admission') });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
const stage = (k: keyof FaceAnalysis['timings']) => median(analysed.map((a) => a.r.timings[k]));
console.log(`\nper face, median of ${analysed.length} (150×150 crops):`);
console.log(`  decode ${stage('decodeMs').toFixed(1)} ms · detection ${stage('detectMs').toFixed(1)} ms · landmarks (3 passes) ${stage('landmarksMs').toFixed(1)} ms · alignment + embedding ${stage('alignEmbedMs').toFixed(1)} ms · quality checks ${stage('qualityMs').toFixed(1)} ms`);
const issues = analysed.filter((a) => a.r.issues.some((i) => i !== 'greyscale'));
console.log(`  no embedding: ${analysed.filter((a) => !a.r.embedding).map((a) => a.label).join(', ') || 'none'}`);
console.log(`  issues besides greyscale: ${issues.map((a) => `${a.label} [${a.r.issues.join(', ')}]`).join('; ') || 'none'}`);
console.log(`  yaw index: ${analysed.map((a) => Math.abs(a.r.yaw ?? NaN)).sort((x, y) => x - y).map((v) => v.toFixed(2)).join(' ')}`);

const scored = allPairs(analysed).map((p) => {
  const score = p.a.r.embedding && p.b.r.embedding ? scoreFromDistance(embeddingDistance(p.a.r.embedding, p.b.r.embedding)) : null;
  return { ...p, score };
});
const same = scored.filter((p) => p.same && p.score !== null).map((p) => p.score!);
const diff = scored.filter((p) => !p.same && p.score !== null).map((p) => p.score!);
const roc = rocFigures(same, diff, FACE_MATCH_THRESHOLD);
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
console.log(`\npairs: ${same.length} same-person, ${diff.length} different-person (score = 1 − distance)`);
console.log(`  same: min ${Math.min(...same).toFixed(3)} median ${median(same).toFixed(3)} · different: max ${Math.max(...diff).toFixed(3)} median ${median(diff).toFixed(3)}`);
console.log(`  threshold ${FACE_MATCH_THRESHOLD}: FAR ${pct(roc.far)} (${diff.filter((s) => s >= FACE_MATCH_THRESHOLD).length}/${diff.length}), FRR ${pct(roc.frr)} (${same.filter((s) => s < FACE_MATCH_THRESHOLD).length}/${same.length})`);
console.log(`  EER ${pct(roc.eer)} at score ${roc.eerAt.toFixed(3)} · AUC ${roc.auc.toFixed(4)}`);
// The decision as the station makes it, ignoring the test faces' own 'greyscale' issue.
const decided = (list: typeof scored) => {
  const c = { 比对通过: 0, 需人工确认: 0, 比对不通过: 0, 未比对: 0 };
  for (const p of list) c[decideFaceMatch(p.score, [])]++;
  return c;
};
console.log(`  band ${FACE_MATCH_FAIL_BELOW.toFixed(2)}–${FACE_MATCH_PASS_AT.toFixed(2)}: same →`, decided(scored.filter((p) => p.same)), ' different →', decided(scored.filter((p) => !p.same)));
const wrong = scored.filter((p) => p.score !== null && (p.same ? p.score < FACE_MATCH_THRESHOLD : p.score >= FACE_MATCH_THRESHOLD));
console.log(`  on the wrong side of the threshold: ${wrong.map((p) => `${p.a.label}–${p.b.label} ${p.score}`).join(', ') || 'none'}`);
if (showPairs) {
  const worst = (list: typeof scored, asc: boolean) => [...list].sort((x, y) => (asc ? 1 : -1) * ((x.score ?? 0) - (y.score ?? 0))).slice(0, 8);
  console.log('  lowest same:', worst(scored.filter((p) => p.same), true).map((p) => `${p.a.label}–${p.b.label} ${p.score}`).join(', '));
  console.log('  highest different:', worst(scored.filter((p) => !p.same), false).map((p) => `${p.a.label}–${p.b.label} ${p.score}`).join(', '));
}
