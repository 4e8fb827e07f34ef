import type { CheckId, SpecProfile } from '../spec/specProfile.js';
import { judge } from './evaluate.js';
import type { Point } from './faceGeometry.js';
import type { PoseAngles } from './measureTypes.js';

/**
 * Live guidance: what the photographer would call out to the student, from one preview frame's
 * measures, judged against the spec's limits and the guide overlay's geometry (GuideOverlay: the
 * spec's output window at 92 % of the frame height, centred). Pure, so it runs in tests; the state
 * that keeps messages from flickering is passed in and returned.
 */

/** What the live worker measures on one camera frame; points and widths in the frame's pixels. */
export interface LiveMeasures {
  frame: { width: number; height: number };
  /** Faces of portrait size (a far-away face or a poster is not counted). */
  faceCount: number;
  /** The main (widest) face; null when there is none. Crown estimated from the landmarks. */
  face: { eyeMid: Point; crown: Point; chin: Point; faceWidth: number; eyeLineDeg: number } | null;
  pose: PoseAngles | null;
  eyeOpenness: number | null;
  mouthOpenness: number | null;
  lightImbalance: number | null;
  exposure: number | null;
  exposureBias: 'dark' | 'bright' | null;
}

export type LiveStatus = 'pass' | 'warn' | 'fail';
export interface LiveItem {
  id: CheckId;
  status: LiveStatus;
  zh: string;
  en: string;
}
export interface LiveFeedback {
  /** Every live check passes. */
  allGood: boolean;
  /** allGood has held for STEADY_MS: the moment for an auto-capture. Changes only on the edges, so
   * a consumer can react to it without re-rendering on every frame. */
  steady: boolean;
  /** Fails first, then warnings, then passes; within each, in LIVE_CHECKS order (most urgent first). */
  items: LiveItem[];
}

/** The checks that make sense on a moving preview, in the order a photographer fixes them: get
 * one person in place, then the pose, then the face, then the light. */
export const LIVE_CHECKS = [
  'face.count',
  'head.size',
  'face.centered',
  'face.in_frame',
  'pose.yaw',
  'pose.pitch',
  'pose.roll',
  'eyes.open',
  'mouth.closed',
  'light.uniform',
  'exposure',
] as const satisfies readonly CheckId[];
type LiveCheck = (typeof LIVE_CHECKS)[number];

/** Same share as GuideOverlay: the output window fills 92 % of the frame. */
export const GUIDE_WINDOW_SHARE = 0.92;
/** Face width within this share of the target (the middle of the spec's range) passes; up to the
 * spec's range it warns. Tighter than the range so the head sits in the oval, not on its rim. */
const WIDTH_PASS = 0.12;
/** Eyes within this share of the eye band's half-height from its middle pass; within the band, warn. */
const EYES_PASS = 0.6;
/** How long all checks must pass before `steady`. */
export const STEADY_MS = 1000;
/** Smoothing time constant for the measured values: frame-to-frame landmark jitter averages out. */
const SMOOTH_TAU_MS = 150;
/** How long a new verdict must hold before it is shown (per check; see holdFor). */
const HOLD_MS = { pass: 150, problem: 300, eyes: 500, absent: 500 } as const;

/** Where the guide overlay wants the head, in frame pixels. */
export interface GuideTarget {
  /** Frame pixels per spec output pixel. */
  scale: number;
  window: { left: number; top: number; width: number; height: number };
  centreX: number;
  eyeBand: [number, number];
  eyeY: number;
  faceWidth: number;
}

export function guideTarget(spec: SpecProfile, frame: { width: number; height: number }): GuideTarget {
  const { widthPx: W, heightPx: H } = spec.output;
  const g = spec.geometry;
  const scale = Math.min((frame.height * GUIDE_WINDOW_SHARE) / H, (frame.width * GUIDE_WINDOW_SHARE) / W);
  const left = (frame.width - W * scale) / 2;
  const top = (frame.height - H * scale) / 2;
  const mid = ([a, b]: readonly [number, number]) => (a + b) / 2;
  return {
    scale,
    window: { left, top, width: W * scale, height: H * scale },
    centreX: frame.width / 2,
    eyeBand: [top + g.eyesFromTopPx[0] * scale, top + g.eyesFromTopPx[1] * scale],
    eyeY: top + mid(g.eyesFromTopPx) * scale,
    faceWidth: mid(g.faceWidthPx) * scale,
  };
}

const M = {
  noFace: { zh: '请坐到镜头前，正对镜头', en: 'Sit in front of the camera, facing it' },
  oneFace: { zh: '画面中只有一人', en: 'One person in the picture' },
  manyFaces: { zh: '只能有一个人在画面中', en: 'Only one person may be in the picture' },
  closer: { zh: '请靠近一点', en: 'Come a little closer' },
  further: { zh: '请后退一点', en: 'Move back a little' },
  sizeOk: { zh: '距离合适', en: 'Good distance' },
  // The preview is not mirrored: a face on the picture's right is on the student's left.
  toTheirLeft: { zh: '请向左移一点', en: 'Move a little to your left' },
  toTheirRight: { zh: '请向右移一点', en: 'Move a little to your right' },
  centredOk: { zh: '位置居中', en: 'Centred' },
  sitHigher: { zh: '请坐高一点', en: 'Sit up a little taller' },
  sitLower: { zh: '请坐低一点', en: 'Sit a little lower' },
  heightOk: { zh: '高度合适', en: 'Good height' },
  yaw: { zh: '请正视镜头', en: 'Look straight at the camera' },
  yawOk: { zh: '正视镜头', en: 'Facing the camera' },
  chinUp: { zh: '请抬头', en: 'Raise your chin a little' },
  chinDown: { zh: '请低头', en: 'Lower your chin a little' },
  pitchOk: { zh: '平视镜头', en: 'Looking level' },
  roll: { zh: '请把头摆正', en: 'Hold your head straight' },
  rollOk: { zh: '头部端正', en: 'Head upright' },
  eyes: { zh: '请睁开眼睛', en: 'Please open your eyes' },
  eyesOk: { zh: '双眼睁开', en: 'Eyes open' },
  mouth: { zh: '请闭上嘴巴', en: 'Please close your mouth' },
  mouthOk: { zh: '嘴巴闭合', en: 'Mouth closed' },
  light: { zh: '面部光线不均匀', en: 'Uneven light on the face' },
  lightOk: { zh: '面部光线均匀', en: 'Even light on the face' },
  dark: { zh: '光线太暗', en: 'Too dark' },
  bright: { zh: '光线太亮', en: 'Too bright' },
  exposureOk: { zh: '亮度合适', en: 'Good brightness' },
} as const;
type Msg = { zh: string; en: string };

const item = (id: CheckId, status: LiveStatus, m: Msg): LiveItem => ({ id, status, zh: m.zh, en: m.en });

/** pass inside ±passShare of the target, warn inside [lo, hi], fail outside. */
function band(value: number, target: number, passHalfWidth: number, lo: number, hi: number): LiveStatus {
  if (Math.abs(value - target) <= passHalfWidth) return 'pass';
  return value >= lo && value <= hi ? 'warn' : 'fail';
}

/**
 * One frame's verdict per live check, before smoothing. A check without a value this frame is
 * left out (null): no face, no pose.
 */
export function assessFrame(m: LiveMeasures, spec: SpecProfile): Partial<Record<LiveCheck, LiveItem>> {
  const out: Partial<Record<LiveCheck, LiveItem>> = {};
  const lim = (id: CheckId) => spec.limits[id] ?? null;
  const countLimit = lim('face.count');
  if (m.faceCount === 0 || !m.face) {
    out['face.count'] = item('face.count', 'fail', M.noFace);
    return out;
  }
  const countStatus = countLimit ? judge(m.faceCount, countLimit) : m.faceCount > 1 ? 'fail' : 'pass';
  out['face.count'] = item('face.count', countStatus, countStatus === 'pass' ? M.oneFace : M.manyFaces);

  const g = guideTarget(spec, m.frame);
  const f = m.face;
  const [wLo, wHi] = spec.geometry.faceWidthPx;
  const size = band(f.faceWidth, g.faceWidth, g.faceWidth * WIDTH_PASS, wLo * g.scale, wHi * g.scale);
  out['head.size'] = item('head.size', size, size === 'pass' ? M.sizeOk : f.faceWidth < g.faceWidth ? M.closer : M.further);

  // Off-centre as a share of the output window's width, judged with the spec's face.centered limit
  // (which the still applies to the whole picture's width: the window is narrower, so this is stricter).
  const dx = (f.eyeMid.x - g.centreX) / g.window.width;
  const cLimit = lim('face.centered');
  const centred = cLimit ? judge(Math.abs(dx), cLimit) : 'pass';
  out['face.centered'] = item('face.centered', centred, centred === 'pass' ? M.centredOk : dx > 0 ? M.toTheirRight : M.toTheirLeft);

  // Eyes in the eye band; the crown estimate must also be inside the window — unless the head is
  // too big, which head.size already says (moving back fixes both).
  const [b0, b1] = g.eyeBand;
  let height = band(f.eyeMid.y, g.eyeY, ((b1 - b0) / 2) * EYES_PASS, b0, b1);
  const crownOut = f.crown.y < g.window.top && f.faceWidth <= g.faceWidth * (1 + WIDTH_PASS);
  if (crownOut) height = 'fail';
  out['face.in_frame'] = item('face.in_frame', height, height === 'pass' ? M.heightOk : crownOut || f.eyeMid.y < g.eyeY ? M.sitLower : M.sitHigher);

  if (m.pose) {
    const judged = (id: 'pose.yaw' | 'pose.pitch' | 'pose.roll', v: number) => {
      const l = lim(id);
      return l ? judge(Math.abs(v), l) : 'pass';
    };
    const yaw = judged('pose.yaw', m.pose.yaw);
    out['pose.yaw'] = item('pose.yaw', yaw, yaw === 'pass' ? M.yawOk : M.yaw);
    // poseFromMatrix's pitch grows as the chin drops: portraits a and b warped so their top recedes
    // (head tilted back) read 0.7–2.3° less, with their top brought forward (chin down) 2.3° more.
    const pitch = judged('pose.pitch', m.pose.pitch);
    out['pose.pitch'] = item('pose.pitch', pitch, pitch === 'pass' ? M.pitchOk : m.pose.pitch > 0 ? M.chinUp : M.chinDown);
    const roll = judged('pose.roll', m.pose.roll);
    out['pose.roll'] = item('pose.roll', roll, roll === 'pass' ? M.rollOk : M.roll);
  }
  const eyesLimit = lim('eyes.open');
  if (m.eyeOpenness !== null && eyesLimit) {
    const s = judge(m.eyeOpenness, eyesLimit);
    out['eyes.open'] = item('eyes.open', s, s === 'pass' ? M.eyesOk : M.eyes);
  }
  const mouthLimit = lim('mouth.closed');
  if (m.mouthOpenness !== null && mouthLimit) {
    const s = judge(m.mouthOpenness, mouthLimit);
    out['mouth.closed'] = item('mouth.closed', s, s === 'pass' ? M.mouthOk : M.mouth);
  }
  const lightLimit = lim('light.uniform');
  if (m.lightImbalance !== null && lightLimit) {
    const s = judge(m.lightImbalance, lightLimit);
    out['light.uniform'] = item('light.uniform', s, s === 'pass' ? M.lightOk : M.light);
  }
  const exposureLimit = lim('exposure');
  if (m.exposure !== null && exposureLimit) {
    const s = judge(m.exposure, exposureLimit);
    out.exposure = item('exposure', s, s === 'pass' ? M.exposureOk : m.exposureBias === 'bright' ? M.bright : M.dark);
  }
  return out;
}

/** What a check shows, and the verdict (null: no value) waiting to replace it since a time. */
interface CheckTrack {
  shown: LiveItem | null;
  pending?: { item: LiveItem | null; since: number };
}
export interface LiveGuidanceState {
  at: number;
  smoothed: LiveMeasures;
  checks: Partial<Record<LiveCheck, CheckTrack>>;
  goodSince: number | null;
}

const NUMERIC = ['eyeOpenness', 'mouthOpenness', 'lightImbalance', 'exposure'] as const;

/**
 * Exponential smoothing of the measured values over ~SMOOTH_TAU_MS. Starts afresh when the face
 * appears, the frame size changes, after a pause, or when the face jumps by more than its width
 * (someone else sat down): averaging two people gives nobody's position.
 */
export function smoothMeasures(prev: LiveMeasures | null, next: LiveMeasures, dtMs: number): LiveMeasures {
  const pf = prev?.face;
  const nf = next.face;
  if (!prev || !pf || !nf || dtMs <= 0 || dtMs > 1000 || prev.frame.width !== next.frame.width || prev.frame.height !== next.frame.height) return next;
  if (Math.hypot(pf.eyeMid.x - nf.eyeMid.x, pf.eyeMid.y - nf.eyeMid.y) > nf.faceWidth) return next;
  const a = 1 - Math.exp(-dtMs / SMOOTH_TAU_MS);
  const mix = (p: number, n: number) => p + (n - p) * a;
  const pt = (p: Point, n: Point): Point => ({ x: mix(p.x, n.x), y: mix(p.y, n.y) });
  const out: LiveMeasures = {
    ...next,
    face: { eyeMid: pt(pf.eyeMid, nf.eyeMid), crown: pt(pf.crown, nf.crown), chin: pt(pf.chin, nf.chin), faceWidth: mix(pf.faceWidth, nf.faceWidth), eyeLineDeg: mix(pf.eyeLineDeg, nf.eyeLineDeg) },
    pose: prev.pose && next.pose ? { roll: mix(prev.pose.roll, next.pose.roll), yaw: mix(prev.pose.yaw, next.pose.yaw), pitch: mix(prev.pose.pitch, next.pose.pitch) } : next.pose,
  };
  for (const k of NUMERIC) {
    const p = prev[k];
    const n = next[k];
    out[k] = p !== null && n !== null ? mix(p, n) : n;
  }
  return out;
}

/** How long a new verdict must persist before it replaces the shown one. A blink lasts 0.1–0.4 s:
 * "open your eyes" waits longer. */
function holdFor(id: LiveCheck, next: LiveItem | null): number {
  if (!next) return HOLD_MS.absent;
  if (next.status === 'pass') return HOLD_MS.pass;
  return id === 'eyes.open' ? HOLD_MS.eyes : HOLD_MS.problem;
}

const same = (a: LiveItem | null, b: LiveItem | null) => a === b || (a !== null && b !== null && a.status === b.status && a.zh === b.zh);
const RANK: Record<LiveStatus, number> = { fail: 0, warn: 1, pass: 2 };

/**
 * One step of live guidance: smooth the measures, judge them, and let each check's message change
 * only once the new one has held for a moment (holdFor), so a single jittery frame or a blink does
 * not flash a message. The first frame is shown as it is. `now` in milliseconds, increasing.
 */
export function guideLive(measures: LiveMeasures, spec: SpecProfile, prev: LiveGuidanceState | null, now: number): { feedback: LiveFeedback; state: LiveGuidanceState } {
  const smoothed = smoothMeasures(prev?.smoothed ?? null, measures, prev ? now - prev.at : 0);
  const raw = assessFrame(smoothed, spec);
  const checks: Partial<Record<LiveCheck, CheckTrack>> = {};
  for (const id of LIVE_CHECKS) {
    const next = raw[id] ?? null;
    const track = prev?.checks[id];
    const shown = track?.shown ?? null;
    if (!prev || same(shown, next)) checks[id] = { shown: next };
    else if (track?.pending && same(track.pending.item, next)) checks[id] = now - track.pending.since >= holdFor(id, next) ? { shown: next } : track;
    else checks[id] = { shown, pending: { item: next, since: now } };
  }
  const items = LIVE_CHECKS.flatMap((id) => (checks[id]?.shown ? [checks[id].shown] : [])).sort((a, b) => RANK[a.status] - RANK[b.status]);
  // No face gives one failing item, so a non-empty all-pass list always includes a face.
  const allGood = items.length > 0 && items.every((i) => i.status === 'pass');
  const goodSince = allGood ? (prev?.goodSince ?? now) : null;
  return {
    feedback: { allGood, steady: goodSince !== null && now - goodSince >= STEADY_MS, items },
    state: { at: now, smoothed, checks, goodSince },
  };
}

/** The instructions worth reading out: the first `n` problems (items are sorted most urgent first). */
export function topInstructions(feedback: LiveFeedback, n = 2): LiveItem[] {
  return feedback.items.filter((i) => i.status !== 'pass').slice(0, n);
}
