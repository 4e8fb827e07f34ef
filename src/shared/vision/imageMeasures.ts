import { lightnessOf, luminance, srgbToLab, type Lab } from './colour.js';
import type { Point } from './faceGeometry.js';
import {
  CHEEK_LEFT,
  CHEEK_RIGHT,
  CHIN,
  FACE_OVAL,
  FOREHEAD_TOP,
  LEFT_EYE,
  LIPS_OUTER,
  MIDLINE,
  MOUTH_LEFT,
  MOUTH_RIGHT,
  NOSE_TIP,
  RIGHT_EYE,
  type EyeIndices,
} from './landmarkIndices.js';
import type { LabWeight, LandmarkPx, PersonMask, RgbaPixels } from './measureTypes.js';
import { boundingBox, clipBox, fillPolygon, insidePolygon, portraitWindow, scalePolygon } from './regions.js';

/**
 * Pixel measures of one still: lighting, exposure, sharpness, background, clothing, glare. Pure
 * arithmetic on RGBA pixels, the landmarks (pixels of the same image) and the person mask, so it
 * runs the same in the kiosk's worker and in Node.
 */

const pt = (lm: readonly LandmarkPx[], i: number): Point => ({ x: lm[i]!.x, y: lm[i]!.y });
const dist = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

/** 8-bit luma (Rec. 709 weights on the encoded values): cheap, for detail and glare. */
const luma8 = (d: RgbaPixels['data'], o: number) => 0.2126 * d[o]! + 0.7152 * d[o + 1]! + 0.0722 * d[o + 2]!;

/** A histogram over 0–1 with fixed bins: medians and percentiles of many pixels without sorting. */
class Histogram {
  readonly bins: Uint32Array;
  count = 0;
  constructor(readonly size = 1024) {
    this.bins = new Uint32Array(size);
  }
  add(v: number): void {
    this.bins[Math.min(this.size - 1, Math.max(0, Math.floor(v * this.size)))]!++;
    this.count++;
  }
  quantile(q: number): number {
    const target = q * (this.count - 1);
    let seen = 0;
    for (let i = 0; i < this.size; i++) {
      seen += this.bins[i]!;
      if (seen > target) return (i + 0.5) / this.size;
    }
    return 1;
  }
}

export interface LightingMeasures {
  lightImbalance: number | null;
  exposure: number | null;
  exposureBias: 'dark' | 'bright' | null;
  /** 8-bit luma the brightest skin reaches (95th percentile): glare must outshine it. */
  skinLumaP95: number | null;
  details: Record<string, number>;
}

/** Below this much skin per face half, the halves are too small or too hidden to compare. */
const MIN_HALF_PIXELS = 200;

/**
 * The face split along its midline into two halves, each limited to the band from the brows to the
 * mouth (cheeks, under-eyes, sides of the nose: skin on everyone; the forehead has fringes and the
 * chin beards), eyes and lips left out. Lighting compares the halves' median linear luminance;
 * exposure reads the whole band.
 *
 * Exposure reads the band's highlights and blown-out share (see exposureScore).
 */
export function measureLighting(px: RgbaPixels, lm: readonly LandmarkPx[]): LightingMeasures {
  const chin = pt(lm, CHIN);
  const top = pt(lm, FOREHEAD_TOP);
  const axisLen = Math.max(1, dist(top, chin));
  const ux = (top.x - chin.x) / axisLen;
  const uy = (top.y - chin.y) / axisLen;
  const tOf = (p: Point) => ((p.x - chin.x) * ux + (p.y - chin.y) * uy) / axisLen;
  const tLow = (tOf(pt(lm, MOUTH_LEFT)) + tOf(pt(lm, MOUTH_RIGHT))) / 2;
  const brows = [...RIGHT_EYE.brow, ...LEFT_EYE.brow].map((i) => tOf(pt(lm, i)));
  const tHigh = Math.min(...brows);
  const exclude = [scalePolygon(RIGHT_EYE.contour.map((i) => pt(lm, i)), 1.6), scalePolygon(LEFT_EYE.contour.map((i) => pt(lm, i)), 1.6), scalePolygon(LIPS_OUTER.map((i) => pt(lm, i)), 1.15)];

  const oval = FACE_OVAL.map((i) => pt(lm, i));
  const mid = MIDLINE.map((i) => pt(lm, i));
  const chinAt = FACE_OVAL.indexOf(CHIN);
  // FACE_OVAL runs from landmark 10 over the picture's right side (the subject's left) to the chin.
  const leftHalf = [...oval.slice(0, chinAt + 1), ...mid.slice().reverse()];
  const rightHalf = [...oval.slice(chinAt), oval[0]!, ...mid];

  const d = px.data;
  const all = new Histogram();
  const lightness = new Histogram();
  let clipped = 0;
  let crushed = 0;
  const halfMedian = (poly: Point[]) => {
    const h = new Histogram();
    fillPolygon(poly, px.width, px.height, (x, y) => {
      const t = tOf({ x: x + 0.5, y: y + 0.5 });
      if (t < tLow || t > tHigh) return;
      for (const e of exclude) if (insidePolygon(e, x + 0.5, y + 0.5)) return;
      const o = (y * px.width + x) * 4;
      const Y = luminance(d[o]!, d[o + 1]!, d[o + 2]!);
      h.add(Y);
      const l8 = luma8(d, o);
      all.add(l8 / 255);
      lightness.add(lightnessOf(Y) / 100);
      // Blown out: near-white whatever the hue (a red channel at 255 alone is just bright skin).
      if (l8 >= 250) clipped++;
      if (Math.max(d[o]!, d[o + 1]!, d[o + 2]!) <= 12) crushed++;
    });
    return h;
  };
  const hl = halfMedian(leftHalf);
  const hr = halfMedian(rightHalf);
  const details: Record<string, number> = { skinPixelsLeft: hl.count, skinPixelsRight: hr.count };
  if (hl.count < MIN_HALF_PIXELS || hr.count < MIN_HALF_PIXELS) return { lightImbalance: null, exposure: null, exposureBias: null, skinLumaP95: null, details };

  const yl = hl.quantile(0.5);
  const yr = hr.quantile(0.5);
  const n = hl.count + hr.count;
  const lP95 = lightness.quantile(0.95) * 100;
  const sceneLP98 = sceneHighlight(px, lm);
  const clippedShare = clipped / n;
  const crushedShare = crushed / n;
  Object.assign(details, {
    skinYLeft: yl,
    skinYRight: yr,
    skinLP95: lP95,
    skinLP50: lightness.quantile(0.5) * 100,
    sceneLP98,
    clippedShare,
    crushedShare,
  });
  return {
    lightImbalance: Math.abs(yl - yr) / Math.max(1e-4, yl, yr),
    ...exposureScore(lP95, sceneLP98, clippedShare, crushedShare),
    skinLumaP95: all.quantile(0.95) * 255,
    details,
  };
}

/** L* that the brightest 2 % of the portrait window reach (collar, backdrop, eye whites, highlights). */
function sceneHighlight(px: RgbaPixels, lm: readonly LandmarkPx[]): number {
  const box = clipBox(faceFrame(lm).window, px.width, px.height);
  if (!box) return 0;
  const step = Math.max(1, Math.round(Math.sqrt(((box.x1 - box.x0) * (box.y1 - box.y0)) / MAX_SAMPLES)));
  const h = new Histogram();
  for (let y = box.y0; y < box.y1; y += step) {
    for (let x = box.x0; x < box.x1; x += step) {
      const o = (y * px.width + x) * 4;
      h.add(lightnessOf(luminance(px.data[o]!, px.data[o + 1]!, px.data[o + 2]!)) / 100);
    }
  }
  return h.quantile(0.98) * 100;
}

/**
 * 0 when the face is well exposed, towards 1 the worse it gets; the larger side names the bias.
 *
 * Under-exposure must show on the skin *and* on the scene: the skin's highlights (95th percentile
 * of L*) below EXPOSURE_SKIN_L, and the brightest 2 % of the portrait window below
 * EXPOSURE_SCENE_L, each as a share of its level; the smaller of the two counts. A dark-skinned
 * student in good light has a bright collar, backdrop or eye whites beside the face, so darker skin
 * alone never reads as under-exposed; a dark picture is dark everywhere. Crushed black skin
 * (a channel maximum ≤ 12) counts as under-exposed skin.
 * Over-exposure: the share of blown-out skin (luma ≥ 250), ×4, so a quarter of it blown is 1.
 */
export function exposureScore(
  skinLP95: number,
  sceneLP98: number,
  clippedShare: number,
  crushedShare: number,
): { exposure: number; exposureBias: 'dark' | 'bright' } {
  const skin = Math.max(0, (EXPOSURE_SKIN_L - skinLP95) / EXPOSURE_SKIN_L, crushedShare * 4);
  const scene = Math.max(0, (EXPOSURE_SCENE_L - sceneLP98) / EXPOSURE_SCENE_L);
  const under = Math.min(skin, scene);
  const over = clippedShare * 4;
  return { exposure: Math.min(1, Math.max(under, over)), exposureBias: over > under ? 'bright' : 'dark' };
}
/** Measured: skin L* P95 of the portraits and their ±10 % variants 60–94 (c, the darkest skin,
 * 60–74), uniformly darkened to ×0.35: 24–32. Scene P98: 76–100 vs 31–37. */
const EXPOSURE_SKIN_L = 55;
const EXPOSURE_SCENE_L = 75;

/** Face detail is compared at this width (outer eye corner to outer eye corner), so the measure
 * reads the same on a webcam frame and a 24-megapixel still. */
const SHARPNESS_WIDTH = 128;

/**
 * No-reference blur (Crété-Roffet et al. 2007, "The blur effect"): blur the face again with a
 * 9-pixel box filter and see how much of the neighbouring-pixel differences survive. A sharp face
 * loses most of its fine differences, a blurred one little. The score is the share lost (0–1,
 * higher is sharper), independent of contrast and brightness. The face (brows to lower lip, outer
 * eye corners) is first resampled to a fixed width.
 */
export function measureSharpness(px: RgbaPixels, lm: readonly LandmarkPx[]): { sharpness: number | null; details: Record<string, number> } {
  const pts = [...RIGHT_EYE.contour, ...LEFT_EYE.contour, ...RIGHT_EYE.brow, ...LEFT_EYE.brow, ...LIPS_OUTER, NOSE_TIP].map((i) => pt(lm, i));
  const box = clipBox(boundingBox(pts), px.width, px.height);
  if (!box) return { sharpness: null, details: {} };
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const w = SHARPNESS_WIDTH;
  const h = Math.max(8, Math.round((bh * w) / bw));
  const grey = resampleLuma(px, box.x0, box.y0, bw, bh, w, h);
  const blurEffect = (horizontal: boolean) => {
    let sumF = 0;
    let sumV = 0;
    const at = (x: number, y: number) => grey[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))]!;
    const blurred = (x: number, y: number) => {
      let s = 0;
      for (let k = -4; k <= 4; k++) s += horizontal ? at(x + k, y) : at(x, y + k);
      return s / 9;
    };
    for (let y = 1; y < h; y++) {
      for (let x = 1; x < w; x++) {
        const dF = horizontal ? Math.abs(at(x, y) - at(x - 1, y)) : Math.abs(at(x, y) - at(x, y - 1));
        const dB = horizontal ? Math.abs(blurred(x, y) - blurred(x - 1, y)) : Math.abs(blurred(x, y) - blurred(x, y - 1));
        sumF += dF;
        sumV += Math.max(0, dF - dB);
      }
    }
    return sumF > 0 ? sumV / sumF : 0;
  };
  const sharpness = Math.min(blurEffect(true), blurEffect(false));
  return { sharpness, details: { sharpnessScale: w / bw } };
}

/** Luma of a box of the image resampled to w×h: area average when shrinking, bilinear when growing. */
function resampleLuma(px: RgbaPixels, x0: number, y0: number, bw: number, bh: number, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  const d = px.data;
  const sx = bw / w;
  const sy = bh / h;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (sx > 1 || sy > 1) {
        const xa = x0 + Math.floor(x * sx);
        const xb = Math.max(xa + 1, x0 + Math.floor((x + 1) * sx));
        const ya = y0 + Math.floor(y * sy);
        const yb = Math.max(ya + 1, y0 + Math.floor((y + 1) * sy));
        let s = 0;
        let n = 0;
        for (let yy = ya; yy < yb && yy < px.height; yy++) {
          for (let xx = xa; xx < xb && xx < px.width; xx++) {
            s += luma8(d, (yy * px.width + xx) * 4);
            n++;
          }
        }
        out[y * w + x] = n ? s / n : 0;
      } else {
        const fx = Math.min(px.width - 1, Math.max(0, x0 + (x + 0.5) * sx - 0.5));
        const fy = Math.min(px.height - 1, Math.max(0, y0 + (y + 0.5) * sy - 0.5));
        const xa = Math.floor(fx);
        const ya = Math.floor(fy);
        const xb = Math.min(px.width - 1, xa + 1);
        const yb = Math.min(px.height - 1, ya + 1);
        const tx = fx - xa;
        const ty = fy - ya;
        const v = (xx: number, yy: number) => luma8(d, (yy * px.width + xx) * 4);
        out[y * w + x] = (v(xa, ya) * (1 - tx) + v(xb, ya) * tx) * (1 - ty) + (v(xa, yb) * (1 - tx) + v(xb, yb) * tx) * ty;
      }
    }
  }
  return out;
}

/** At most this many samples per region: enough for a colour statistic, cheap on any still. */
const MAX_SAMPLES = 40_000;
/** Mask levels (0–255): background is below BG, person above PERSON; in between is the soft edge. */
const BG_MAX = 26;
const PERSON_MIN = 200;

function faceFrame(lm: readonly LandmarkPx[]) {
  const eyeMid = { x: (lm[RIGHT_EYE.iris]!.x + lm[LEFT_EYE.iris]!.x) / 2, y: (lm[RIGHT_EYE.iris]!.y + lm[LEFT_EYE.iris]!.y) / 2 };
  const faceWidth = dist(pt(lm, CHEEK_RIGHT), pt(lm, CHEEK_LEFT));
  return { eyeMid, faceWidth, window: portraitWindow(eyeMid, faceWidth) };
}

/**
 * Background around the head: RMS ΔE76 of the non-person pixels in the portrait window from their
 * mean colour. Pixels near the person's outline (hair halo, soft mask edge) are left out. Null when
 * hardly any background is visible.
 */
export function measureBackground(px: RgbaPixels, mask: PersonMask, lm: readonly LandmarkPx[]): { backgroundNonUniformity: number | null; details: Record<string, number> } {
  const { faceWidth, window } = faceFrame(lm);
  const box = clipBox(window, px.width, px.height);
  if (!box) return { backgroundNonUniformity: null, details: {} };
  const area = (box.x1 - box.x0) * (box.y1 - box.y0);
  const step = Math.max(1, Math.round(Math.sqrt(area / MAX_SAMPLES)));
  const r = Math.max(2, Math.round(0.05 * faceWidth));
  const m = (x: number, y: number) => (x < 0 || y < 0 || x >= mask.width || y >= mask.height ? 0 : mask.data[y * mask.width + x]!);
  const labs: Lab[] = [];
  let sampled = 0;
  for (let y = box.y0; y < box.y1; y += step) {
    for (let x = box.x0; x < box.x1; x += step) {
      sampled++;
      if (m(x, y) > BG_MAX || m(x - r, y) > BG_MAX || m(x + r, y) > BG_MAX || m(x, y - r) > BG_MAX || m(x, y + r) > BG_MAX) continue;
      const o = (y * px.width + x) * 4;
      labs.push(srgbToLab(px.data[o]!, px.data[o + 1]!, px.data[o + 2]!));
    }
  }
  const share = sampled ? labs.length / sampled : 0;
  if (labs.length < 50 || share < 0.03) return { backgroundNonUniformity: null, details: { backgroundShare: share } };
  const mean: Lab = [0, 0, 0];
  for (const c of labs) for (let k = 0; k < 3; k++) mean[k]! += c[k]! / labs.length;
  let ss = 0;
  for (const c of labs) ss += (c[0] - mean[0]) ** 2 + (c[1] - mean[1]) ** 2 + (c[2] - mean[2]) ** 2;
  return { backgroundNonUniformity: Math.sqrt(ss / labs.length), details: { backgroundShare: share, backgroundL: mean[0], backgroundA: mean[1], backgroundB: mean[2] } };
}

/** Lab bin size of the clothing palette (ΔE-ish units): finer than any limit it is judged by. */
const PALETTE_BIN = 6;
const PALETTE_SIZE = 48;

/**
 * The clothing's colours: person pixels in the portrait window below the chin (by 30 % of the face
 * height, past most of the neck), as a palette of Lab bins with weights. evaluatePhoto compares it
 * with the spec's background colour, so the measure holds for any profile.
 */
export function measureClothing(px: RgbaPixels, mask: PersonMask, lm: readonly LandmarkPx[]): { clothing: LabWeight[] | null; details: Record<string, number> } {
  const { window } = faceFrame(lm);
  const chin = pt(lm, CHIN);
  const faceHeight = dist(pt(lm, FOREHEAD_TOP), chin);
  const box = clipBox({ ...window, y0: chin.y + 0.3 * faceHeight }, px.width, px.height);
  if (!box) return { clothing: null, details: { clothingShare: 0 } };
  const area = (box.x1 - box.x0) * (box.y1 - box.y0);
  const step = Math.max(1, Math.round(Math.sqrt(area / MAX_SAMPLES)));
  const bins = new Map<string, { sum: Lab; n: number }>();
  let sampled = 0;
  let used = 0;
  for (let y = box.y0; y < box.y1; y += step) {
    for (let x = box.x0; x < box.x1; x += step) {
      sampled++;
      if (mask.data[y * mask.width + x]! < PERSON_MIN) continue;
      const o = (y * px.width + x) * 4;
      const lab = srgbToLab(px.data[o]!, px.data[o + 1]!, px.data[o + 2]!);
      const key = lab.map((v) => Math.floor(v / PALETTE_BIN)).join(',');
      const bin = bins.get(key) ?? { sum: [0, 0, 0], n: 0 };
      for (let k = 0; k < 3; k++) bin.sum[k]! += lab[k]!;
      bin.n++;
      bins.set(key, bin);
      used++;
    }
  }
  const share = sampled ? used / sampled : 0;
  // Under 5 % of the area below the chin: the clothing is not in view (or the mask lost it).
  if (used < 50 || share < 0.05) return { clothing: null, details: { clothingShare: share } };
  const top = [...bins.values()].sort((a, b) => b.n - a.n).slice(0, PALETTE_SIZE);
  const total = top.reduce((s, b) => s + b.n, 0);
  const clothing = top.map((b) => ({ lab: b.sum.map((v) => Math.round((v / b.n) * 10) / 10) as Lab, weight: b.n / total }));
  return { clothing, details: { clothingShare: share } };
}

/**
 * Spectacle glare: near-white, unsaturated pixels clearly brighter than the brightest skin, in the
 * area a lens covers around each eye (an ellipse 1.7 × 1.1 eye widths). The iris is left out: a
 * catchlight in the eye is wanted. An over-exposed face has no skin to outshine, so it counts none.
 */
export function measureGlare(px: RgbaPixels, lm: readonly LandmarkPx[], skinLumaP95: number | null): { glare: number | null; details: Record<string, number> } {
  if (skinLumaP95 === null) return { glare: null, details: {} };
  const threshold = Math.max(skinLumaP95 + GLARE_OVER_SKIN, GLARE_MIN_LUMA);
  let region = 0;
  let glare = 0;
  for (const eye of [RIGHT_EYE, LEFT_EYE]) {
    const { ellipse, iris, irisR } = lensRegion(lm, eye);
    fillPolygon(ellipse, px.width, px.height, (x, y) => {
      if (Math.hypot(x + 0.5 - iris.x, y + 0.5 - iris.y) < irisR) return;
      region++;
      const o = (y * px.width + x) * 4;
      const r = px.data[o]!;
      const g = px.data[o + 1]!;
      const b = px.data[o + 2]!;
      if (luma8(px.data, o) >= threshold && Math.max(r, g, b) - Math.min(r, g, b) <= GLARE_MAX_CHROMA) glare++;
    });
  }
  if (region < 50) return { glare: null, details: {} };
  return { glare: glare / region, details: { glareThresholdLuma: threshold } };
}
const GLARE_OVER_SKIN = 25;
const GLARE_MIN_LUMA = 200;
const GLARE_MAX_CHROMA = 45;

function lensRegion(lm: readonly LandmarkPx[], eye: EyeIndices) {
  const a = pt(lm, eye.corners[0]);
  const b = pt(lm, eye.corners[1]);
  const eyeWidth = Math.max(1, dist(a, b));
  const c = eye.contour.reduce((s, i) => ({ x: s.x + lm[i]!.x / eye.contour.length, y: s.y + lm[i]!.y / eye.contour.length }), { x: 0, y: 0 });
  const ang = Math.atan2(b.y - a.y, b.x - a.x);
  const [ra, rb] = [0.85 * eyeWidth, 0.55 * eyeWidth];
  const ellipse: Point[] = [];
  for (let k = 0; k < 24; k++) {
    const t = (k / 24) * 2 * Math.PI;
    const ex = ra * Math.cos(t);
    const ey = rb * Math.sin(t);
    ellipse.push({ x: c.x + ex * Math.cos(ang) - ey * Math.sin(ang), y: c.y + ex * Math.sin(ang) + ey * Math.cos(ang) });
  }
  const iris = pt(lm, eye.iris);
  const irisR = (1.3 * eye.irisEdges.reduce((s, i) => s + dist(iris, pt(lm, i)), 0)) / 4;
  return { ellipse, iris, irisR };
}
