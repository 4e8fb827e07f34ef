import { lightnessOf, luminance, srgbToLab, type Lab } from './colour.js';
import type { Point } from './faceGeometry.js';
import { CHEEK_LEFT, CHEEK_RIGHT, CHIN, FACE_OVAL, FOREHEAD_TOP, LEFT_EYE, NOSE_TIP, RIGHT_EYE, type EyeIndices } from './landmarkIndices.js';
import type { LandmarkPx, PersonMask, RgbaPixels, StandardValues } from './measureTypes.js';
import { fillPolygon, insidePolygon, portraitWindow, scalePolygon } from './regions.js';

/**
 * "The rest of the standard" (issue 18; 图像信息采集服务 and 中国图片社's rules): shoulders level,
 * ears symmetric, hair off the brows, no red eye, no tinted lenses or coloured contacts, no busy or
 * striped clothing, no headwear or high bun, no earrings or necklace. Pure arithmetic on the
 * analysed pixels, the 478 landmarks and the person mask (same pixels), as imageMeasures.ts.
 *
 * Each value is null when it cannot be measured on this still (part out of the picture, no mask,
 * too few pixels); evaluatePhoto then warns. What each cannot see is in docs/capture.md.
 */

export interface StandardMeasures extends StandardValues {
  details: Record<string, number>;
}

/** Nothing of the rest of the standard measured (no face landmarked). */
export const NO_STANDARD_VALUES: StandardValues = {
  shoulderTilt: null,
  earAsymmetry: null,
  browCover: null,
  redEye: null,
  lensTint: null,
  clothingPattern: null,
  headTop: null,
  jewellery: null,
};

const pt = (lm: readonly LandmarkPx[], i: number): Point => ({ x: lm[i]!.x, y: lm[i]!.y });
const dist = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);
const luma8 = (d: RgbaPixels['data'], o: number) => 0.2126 * d[o]! + 0.7152 * d[o + 1]! + 0.0722 * d[o + 2]!;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** The face's frame: its axis (up, across, picture left → right), sizes and the eye line. */
interface Frame {
  up: Point;
  across: Point;
  faceWidth: number;
  faceHeight: number;
  eyeDeg: number;
  eyeMid: Point;
}

function frameOf(lm: readonly LandmarkPx[]): Frame {
  const top = pt(lm, FOREHEAD_TOP);
  const chin = pt(lm, CHIN);
  const faceHeight = Math.max(1, dist(top, chin));
  const up = { x: (top.x - chin.x) / faceHeight, y: (top.y - chin.y) / faceHeight };
  const r = pt(lm, RIGHT_EYE.iris);
  const l = pt(lm, LEFT_EYE.iris);
  return {
    up,
    across: { x: -up.y, y: up.x },
    faceWidth: Math.max(1, dist(pt(lm, CHEEK_RIGHT), pt(lm, CHEEK_LEFT))),
    faceHeight,
    eyeDeg: (Math.atan2(l.y - r.y, l.x - r.x) * 180) / Math.PI,
    eyeMid: { x: (r.x + l.x) / 2, y: (r.y + l.y) / 2 },
  };
}

const maskAt = (mask: PersonMask, x: number, y: number): number => {
  const xi = Math.round(x);
  const yi = Math.round(y);
  if (xi < 0 || yi < 0 || xi >= mask.width || yi >= mask.height) return -1;
  return mask.data[yi * mask.width + xi]!;
};

/** Median Lab and 8-bit luma of the two cheeks (discs under the eyes, beside the nose): the skin reference. */
function skinReference(px: RgbaPixels, lm: readonly LandmarkPx[], f: Frame): { lab: Lab; y: number; luma: number } | null {
  const labs: Lab[] = [];
  const ys: number[] = [];
  const lumas: number[] = [];
  const r = Math.max(2, 0.07 * f.faceWidth);
  // About 25 × 25 samples per cheek, whatever the resolution.
  const step = Math.max(1, Math.round(r / 12));
  // Landmarks 50 / 280: the cheeks' apples, under each eye.
  for (const i of [50, 280]) {
    const c = pt(lm, i);
    for (let y = Math.floor(c.y - r); y <= c.y + r; y += step) {
      for (let x = Math.floor(c.x - r); x <= c.x + r; x += step) {
        if (x < 0 || y < 0 || x >= px.width || y >= px.height || Math.hypot(x - c.x, y - c.y) > r) continue;
        const o = (y * px.width + x) * 4;
        labs.push(srgbToLab(px.data[o]!, px.data[o + 1]!, px.data[o + 2]!));
        ys.push(luminance(px.data[o]!, px.data[o + 1]!, px.data[o + 2]!));
        lumas.push(luma8(px.data, o));
      }
    }
  }
  if (labs.length < 30) return null;
  return { lab: [median(labs.map((l) => l[0])), median(labs.map((l) => l[1])), median(labs.map((l) => l[2]))], y: median(ys), luma: median(lumas) };
}

export function measureStandard(px: RgbaPixels, mask: PersonMask | null, lm: readonly LandmarkPx[]): StandardMeasures {
  const f = frameOf(lm);
  const skin = skinReference(px, lm, f);
  const details: Record<string, number> = {};
  const out: StandardMeasures = { ...NO_STANDARD_VALUES, details };
  const put = <K extends keyof Omit<StandardMeasures, 'details'>>(k: K, r: { value: number | null; details: Record<string, number> }) => {
    out[k] = r.value;
    Object.assign(details, r.details);
  };
  put('redEye', redEye(px, lm));
  if (skin) put('browCover', browCover(px, lm, f, skin.lab));
  put('lensTint', lensTint(px, lm, skin ? lightnessOf(skin.y) : null));
  put('clothingPattern', mask ? clothingPattern(px, mask, lm, f) : { value: null, details: {} });
  if (mask) {
    put('shoulderTilt', shoulderTilt(mask, lm, f));
    put('earAsymmetry', earAsymmetry(mask, lm, f));
    put('headTop', headTop(mask, lm, f));
  }
  if (skin) put('jewellery', jewellery(px, lm, f, skin));
  return out;
}

// ── shoulders.level ──────────────────────────────────────────────────────────────────────────────

/** Columns this far from the chin, in face widths, are read for the shoulder line (outside the neck
 * and the collar, inside the arms' fall). */
const SHOULDER_FROM = 0.75;
const SHOULDER_TO = 1.25;

/**
 * The person mask's top edge below the chin at SHOULDER_FROM–SHOULDER_TO face widths each side of
 * the chin, taken along the eye line (so the reading is the one the eye-levelled photo shows); the
 * line through the two sides' mean points against the eye line. Null when either side runs off the
 * picture or the mask has no shoulder there.
 */
function shoulderTilt(mask: PersonMask, lm: readonly LandmarkPx[], f: Frame): { value: number | null; details: Record<string, number> } {
  const chin = pt(lm, CHIN);
  const rad = (f.eyeDeg * Math.PI) / 180;
  const ax = { x: Math.cos(rad), y: Math.sin(rad) }; // along the eye line
  const down = { x: -ax.y, y: ax.x }; // perpendicular, pointing down the picture
  const sides: Point[][] = [[], []];
  const maxDown = 1.6 * f.faceHeight;
  for (const [k, s] of [-1, 1].entries()) {
    for (let d = SHOULDER_FROM; d <= SHOULDER_TO + 1e-9; d += 0.05) {
      const bx = chin.x + s * d * f.faceWidth * ax.x;
      const by = chin.y + s * d * f.faceWidth * ax.y;
      let found: Point | null = null;
      for (let t = 0; t <= maxDown; t += 1) {
        const x = bx + down.x * t;
        const y = by + down.y * t;
        const v = maskAt(mask, x, y);
        if (v < 0) break;
        if (v >= 128) {
          found = { x, y };
          break;
        }
      }
      if (found) sides[k]!.push(found);
    }
  }
  const [left, right] = sides as [Point[], Point[]];
  const n = Math.round((SHOULDER_TO - SHOULDER_FROM) / 0.05) + 1;
  const details: Record<string, number> = { shoulderPointsLeft: left.length, shoulderPointsRight: right.length };
  if (left.length < n / 2 || right.length < n / 2) return { value: null, details };
  const mean = (ps: Point[]) => ({ x: ps.reduce((a, p) => a + p.x, 0) / ps.length, y: ps.reduce((a, p) => a + p.y, 0) / ps.length });
  const a = mean(left);
  const b = mean(right);
  const shoulderDeg = (Math.atan2(b.y - a.y, b.x - a.x) * 180) / Math.PI;
  details['shoulderDeg'] = shoulderDeg;
  details['eyeLineDeg'] = f.eyeDeg;
  return { value: Math.abs(shoulderDeg - f.eyeDeg), details };
}

// ── ears.symmetric ───────────────────────────────────────────────────────────────────────────────

/**
 * At rows from the eyes to the nose tip (ear height), how far the person reaches beyond the face
 * outline on each side, measured across the head's axis: an ear shows as person outside the oval.
 * With the head turned, the far ear hides behind the cheek and the near one shows wide; hair over
 * one ear reads the same way. Value |L − R| / (L + R), independent of the pose matrix.
 */
function earAsymmetry(mask: PersonMask, lm: readonly LandmarkPx[], f: Frame): { value: number | null; details: Record<string, number> } {
  const oval = FACE_OVAL.map((i) => pt(lm, i));
  const eyeMid = f.eyeMid;
  const nose = pt(lm, NOSE_TIP);
  const exts: [number[], number[]] = [[], []];
  const rows = 9;
  for (let r = 0; r < rows; r++) {
    const t = r / (rows - 1);
    const c = { x: eyeMid.x + (nose.x - eyeMid.x) * t, y: eyeMid.y + (nose.y - eyeMid.y) * t };
    for (const [k, s] of [-1, 1].entries()) {
      // The oval's edge along this row: walk out from the centre until outside the polygon.
      let edge = -1;
      for (let u = 0; u < 1.2 * f.faceWidth; u += 1) {
        if (!insidePolygon(oval, c.x + s * u * f.across.x, c.y + s * u * f.across.y)) {
          edge = u;
          break;
        }
      }
      if (edge < 0) continue;
      let ext = -1;
      for (let u = edge; u < edge + 0.6 * f.faceWidth; u += 1) {
        const v = maskAt(mask, c.x + s * u * f.across.x, c.y + s * u * f.across.y);
        if (v < 0) break; // off the picture: unknown
        if (v < 128) {
          ext = u - edge;
          break;
        }
      }
      if (ext >= 0) exts[k]!.push(ext / f.faceWidth);
    }
  }
  const details: Record<string, number> = {};
  if (exts[0].length < rows / 2 || exts[1].length < rows / 2) return { value: null, details };
  const L = median(exts[0]);
  const R = median(exts[1]);
  details['earReachLeft'] = L;
  details['earReachRight'] = R;
  // Under 0.03 face widths on both sides: ears flat to the head, nothing to compare.
  const value = L + R < 0.06 ? 0 : Math.abs(L - R) / (L + R);
  return { value, details };
}

// ── hair.covers_brows ────────────────────────────────────────────────────────────────────────────

/** The upper brow line, outer to inner (the first five of EyeIndices.brow). */
const upperBrow = (eye: EyeIndices) => eye.brow.slice(0, 5);

/**
 * For each brow, a strip from the upper brow line up to 0.1 face widths above it (the skin between
 * brow and forehead): the share of its pixels whose colour is far from the cheeks' (ΔE76 > 20).
 * A fringe over the brows fills the strip with hair; a bare forehead leaves it skin. The landmarker
 * still places the brows under a fringe, so the strip is where the brows would be. The worse brow.
 */
function browCover(px: RgbaPixels, lm: readonly LandmarkPx[], f: Frame, skin: Lab): { value: number | null; details: Record<string, number> } {
  const shares: number[] = [];
  const h = 0.1 * f.faceWidth;
  const step = Math.max(1, Math.round(f.faceWidth / 120)); // ≈ 12 samples across the strip's height
  for (const eye of [RIGHT_EYE, LEFT_EYE]) {
    const line = upperBrow(eye).map((i) => pt(lm, i));
    const poly = [...line, ...line.slice().reverse().map((p) => ({ x: p.x + f.up.x * h, y: p.y + f.up.y * h }))];
    let n = 0;
    let off = 0;
    fillPolygon(poly, px.width, px.height, (x, y) => {
      if (x % step || y % step) return;
      const o = (y * px.width + x) * 4;
      const lab = srgbToLab(px.data[o]!, px.data[o + 1]!, px.data[o + 2]!);
      n++;
      if (Math.hypot(lab[0] - skin[0], lab[1] - skin[1], lab[2] - skin[2]) > BROW_SKIN_DE) off++;
    });
    if (n >= 20) shares.push(off / n);
  }
  if (shares.length < 2) return { value: null, details: {} };
  return { value: Math.max(...shares), details: { browCoverRight: shares[0]!, browCoverLeft: shares[1]! } };
}
const BROW_SKIN_DE = 20;

// ── eyes.red ─────────────────────────────────────────────────────────────────────────────────────

const irisRadius = (lm: readonly LandmarkPx[], eye: EyeIndices) => eye.irisEdges.reduce((s, i) => s + dist(pt(lm, eye.iris), pt(lm, i)), 0) / 4;

/**
 * The pupil and inner iris (a disc of 0.6 iris radii, clipped to the eye opening) per eye: the share
 * of pixels clearly red (R ≥ 90, above 1.7 × G and 1.7 × B: a flash's retina reflection, not brown
 * iris or pink lid). The worse eye.
 */
function redEye(px: RgbaPixels, lm: readonly LandmarkPx[]): { value: number | null; details: Record<string, number> } {
  const shares: number[] = [];
  for (const eye of [RIGHT_EYE, LEFT_EYE]) {
    const c = pt(lm, eye.iris);
    const r = 0.6 * irisRadius(lm, eye);
    const contour = eye.contour.map((i) => pt(lm, i));
    let n = 0;
    let red = 0;
    for (let y = Math.floor(c.y - r); y <= c.y + r; y++) {
      for (let x = Math.floor(c.x - r); x <= c.x + r; x++) {
        if (x < 0 || y < 0 || x >= px.width || y >= px.height) continue;
        if (Math.hypot(x + 0.5 - c.x, y + 0.5 - c.y) > r || !insidePolygon(contour, x + 0.5, y + 0.5)) continue;
        const o = (y * px.width + x) * 4;
        const R = px.data[o]!;
        n++;
        if (R >= 90 && R > 1.7 * px.data[o + 1]! && R > 1.7 * px.data[o + 2]!) red++;
      }
    }
    if (n >= 8) shares.push(red / n);
  }
  if (shares.length === 0) return { value: null, details: {} };
  return { value: Math.max(...shares), details: { redEyeRight: shares[0] ?? -1, redEyeLeft: shares[1] ?? -1 } };
}

// ── glasses.tinted ───────────────────────────────────────────────────────────────────────────────

/**
 * Tinted lenses darken the skin the lens covers; coloured contacts put a vivid colour in the iris.
 * Lens: the skin below each eye inside the area a lens covers (an ellipse 1.7 × 1.1 eye widths, the
 * eye opening ×1.3 left out) against a band just outside it (1.15–1.5 times the ellipse, the brow
 * left out), each by its 70th percentile of L*, the two eyes' mean; and the same under-eye skin
 * against the cheeks' median L*. The lens reads 1 − the lower of the two ratios: the band is lit
 * like the under-eye skin but a large lens covers it too; the cheeks lie outside any lens but are
 * lit differently (portrait a's under-eye skin reads 0.72 of its cheeks, b's and c's 1.0). Iris:
 * the median Lab chroma of the visible iris without pupil and catchlight, so that IRIS_CHROMA_FULL
 * reads 1. The value is the larger of lens and iris.
 */
function lensTint(px: RgbaPixels, lm: readonly LandmarkPx[], cheekL: number | null): { value: number | null; details: Record<string, number> } {
  const ratios: number[] = [];
  const underEye: number[] = [];
  const irisChroma: number[] = [];
  for (const eye of [RIGHT_EYE, LEFT_EYE]) {
    const a = pt(lm, eye.corners[0]);
    const b = pt(lm, eye.corners[1]);
    const eyeWidth = Math.max(1, dist(a, b));
    const contour = eye.contour.map((i) => pt(lm, i));
    const c = contour.reduce((s, p) => ({ x: s.x + p.x / contour.length, y: s.y + p.y / contour.length }), { x: 0, y: 0 });
    const ang = Math.atan2(b.y - a.y, b.x - a.x);
    const ellipseAt = (k: number): Point[] => {
      const e: Point[] = [];
      for (let q = 0; q < 24; q++) {
        const t = (q / 24) * 2 * Math.PI;
        const ex = k * 0.85 * eyeWidth * Math.cos(t);
        const ey = k * 0.55 * eyeWidth * Math.sin(t);
        e.push({ x: c.x + ex * Math.cos(ang) - ey * Math.sin(ang), y: c.y + ex * Math.sin(ang) + ey * Math.cos(ang) });
      }
      return e;
    };
    const lens = ellipseAt(1);
    const inner = ellipseAt(1.15);
    const outer = ellipseAt(1.5);
    const opening = scalePolygon(contour, 1.3);
    const brow = eye.brow.map((i) => pt(lm, i));
    // Only below the eye line: above it are lashes, lid creases and brows, dark on everyone.
    const below = (x: number, y: number) => {
      const cross = (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x);
      return cross > 0 === b.x > a.x;
    };
    const lstar = (x: number, y: number) => {
      const o = (y * px.width + x) * 4;
      return lightnessOf(luminance(px.data[o]!, px.data[o + 1]!, px.data[o + 2]!));
    };
    const inL: number[] = [];
    const outL: number[] = [];
    // About 40 samples across the eye, whatever the resolution.
    const step = Math.max(1, Math.round(eyeWidth / 40));
    fillPolygon(lens, px.width, px.height, (x, y) => {
      if (x % step || y % step || !below(x + 0.5, y + 0.5) || insidePolygon(opening, x + 0.5, y + 0.5)) return;
      inL.push(lstar(x, y));
    });
    fillPolygon(outer, px.width, px.height, (x, y) => {
      if (x % step || y % step || !below(x + 0.5, y + 0.5) || insidePolygon(inner, x + 0.5, y + 0.5) || insidePolygon(brow, x + 0.5, y + 0.5)) return;
      outL.push(lstar(x, y));
    });
    // The brighter skin of each (70th percentile): lashes, creases and a frame are a dark minority.
    if (inL.length >= 20 && outL.length >= 20) ratios.push(quantile(inL, 0.7) / Math.max(1, quantile(outL, 0.7)));
    if (inL.length >= 20) underEye.push(quantile(inL, 0.7));
    // The iris: a disc of 0.85 iris radii, inside the opening, without its darkest (pupil) and
    // brightest (catchlight) pixels.
    const ic = pt(lm, eye.iris);
    const ir = 0.85 * irisRadius(lm, eye);
    const px8: { l: number; c: number }[] = [];
    const istep = Math.max(1, Math.round(ir / 12));
    for (let y = Math.floor(ic.y - ir); y <= ic.y + ir; y += istep) {
      for (let x = Math.floor(ic.x - ir); x <= ic.x + ir; x += istep) {
        if (x < 0 || y < 0 || x >= px.width || y >= px.height) continue;
        if (Math.hypot(x + 0.5 - ic.x, y + 0.5 - ic.y) > ir || !insidePolygon(contour, x + 0.5, y + 0.5)) continue;
        const o = (y * px.width + x) * 4;
        const [R, G, B] = [px.data[o]!, px.data[o + 1]!, px.data[o + 2]!];
        if (R >= 90 && R > 1.7 * G && R > 1.7 * B) continue; // red eye is eyes.red's
        const lab = srgbToLab(R, G, B);
        px8.push({ l: lab[0], c: Math.hypot(lab[1], lab[2]) });
      }
    }
    if (px8.length >= 8) {
      px8.sort((p, q) => p.l - q.l);
      const mid = px8.slice(Math.floor(px8.length * 0.2), Math.ceil(px8.length * 0.9));
      irisChroma.push(median(mid.map((p) => p.c)));
    }
  }
  if (ratios.length < 2) return { value: null, details: {} };
  // Both lenses: a tint is on both, a shadow from the side usually on one.
  const ratio = (ratios[0]! + ratios[1]!) / 2;
  // The same skin against the cheeks: a lens larger than the ellipse darkens the band outside it too.
  const cheekRatio = cheekL && underEye.length === 2 ? (underEye[0]! + underEye[1]!) / 2 / cheekL : 1;
  const lens = Math.max(0, 1 - ratio, 1 - cheekRatio);
  const iris = irisChroma.length ? Math.max(...irisChroma) / IRIS_CHROMA_FULL : 0;
  return { value: Math.min(1, Math.max(lens, iris)), details: { lensRingRatio: ratio, lensCheekRatio: cheekRatio, irisChroma: irisChroma.length ? Math.max(...irisChroma) : -1 } };
}
/** Lab chroma that reads as 1 (fully coloured): vivid blue/green/violet contacts reach 35–50. */
const IRIS_CHROMA_FULL = 60;

// ── clothing.pattern ─────────────────────────────────────────────────────────────────────────────

/** The clothing is compared at this face width in pixels: a pattern's scale is judged against the face. */
const PATTERN_FACE_PX = 128;
/** A resampled pixel is "busy" when its luma differs from a neighbour's by more than this. */
const PATTERN_STEP = 22;

/**
 * The clothing (person pixels in the portrait window from 0.3 face heights below the chin, away from
 * the silhouette's edge) resampled so the face is PATTERN_FACE_PX wide, cut into blocks of about a
 * tenth of the face width; the value is the share of blocks crossed by several luma edges per line.
 * A plain jacket has single edges at lapels, collar and tie; stripes or a print put several in every
 * block. Pin-stripes finer than ~1/100 of the face width fall below the sampling and are not seen.
 */
function clothingPattern(px: RgbaPixels, mask: PersonMask, lm: readonly LandmarkPx[], f: Frame): { value: number | null; details: Record<string, number> } {
  const chin = pt(lm, CHIN);
  const win = portraitWindow(f.eyeMid, f.faceWidth);
  const y0 = Math.max(0, chin.y + 0.3 * f.faceHeight);
  const y1 = Math.min(px.height, win.y1);
  const x0 = Math.max(0, win.x0);
  const x1 = Math.min(px.width, win.x1);
  if (y1 - y0 < 4 || x1 - x0 < 4) return { value: null, details: { patternPixels: 0 } };
  const k = PATTERN_FACE_PX / f.faceWidth; // resampled pixels per image pixel
  const w = Math.max(2, Math.round((x1 - x0) * k));
  const h = Math.max(2, Math.round((y1 - y0) * k));
  const step = 1 / k;
  const grey = new Float32Array(w * h);
  const inside = new Uint8Array(w * h);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      // Area mean over the source pixels this one covers.
      const sx0 = Math.floor(x0 + i * step);
      const sy0 = Math.floor(y0 + j * step);
      const sx1 = Math.max(sx0 + 1, Math.min(px.width, Math.floor(x0 + (i + 1) * step)));
      const sy1 = Math.max(sy0 + 1, Math.min(px.height, Math.floor(y0 + (j + 1) * step)));
      let s = 0;
      let n = 0;
      let minMask = 255;
      // At most 3 × 3 samples per cell: the mean of a large still's cell needs no more.
      const sub = Math.max(1, Math.floor((sx1 - sx0) / 3));
      for (let y = sy0; y < sy1; y += sub) {
        for (let x = sx0; x < sx1; x += sub) {
          s += luma8(px.data, (y * px.width + x) * 4);
          n++;
          minMask = Math.min(minMask, mask.data[y * mask.width + x]!);
        }
      }
      grey[j * w + i] = n ? s / n : 0;
      inside[j * w + i] = minMask >= 200 ? 1 : 0;
    }
  }
  // Blocks of PATTERN_BLOCK px: a block is patterned when its lines cross, on average, at least
  // PATTERN_EDGES luma edges (a run of steps over PATTERN_STEP one way counts once) across or down.
  // One lapel, a collar or a tie's edge is one edge per line; stripes or checks are several.
  const B = PATTERN_BLOCK;
  let blocks = 0;
  let patterned = 0;
  for (let by = 0; by + B <= h; by += B) {
    for (let bx = 0; bx + B <= w; bx += B) {
      let cover = 0;
      for (let j = by; j < by + B; j++) for (let i = bx; i < bx + B; i++) cover += inside[j * w + i]!;
      if (cover < 0.9 * B * B) continue;
      blocks++;
      const edges = (horizontal: boolean) => {
        let total = 0;
        for (let a = 0; a < B; a++) {
          let last = 0;
          for (let b = 1; b < B; b++) {
            const [i0, j0, i1, j1] = horizontal ? [bx + b - 1, by + a, bx + b, by + a] : [bx + a, by + b - 1, bx + a, by + b];
            const d = grey[j1 * w + i1]! - grey[j0 * w + i0]!;
            const sign = d > PATTERN_STEP ? 1 : d < -PATTERN_STEP ? -1 : 0;
            if (sign !== 0 && sign !== last) total++;
            last = sign;
          }
        }
        return total / B;
      };
      if (Math.max(edges(true), edges(false)) >= PATTERN_EDGES) patterned++;
    }
  }
  if (blocks < 6) return { value: null, details: { patternBlocks: blocks } };
  return { value: patterned / blocks, details: { patternBlocks: blocks } };
}
const PATTERN_BLOCK = 12;
const PATTERN_EDGES = 1.5;

// ── headwear ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Walks up the head's axis from landmark 10 (up to HEAD_SEARCH face heights) to the last step where
 * a narrow band across the axis (±0.12 face widths: a bun is narrower than the head) is mostly
 * person, allowing short gaps: the head's height above landmark 10, in face heights. Hair ends
 * 0.32–0.48 above it on the test portraits; a cap, a hat or a high bun reaches further. A bun also
 * makes the top narrow, so the value adds half of what the width 0.1 face heights below the top
 * falls short of HEAD_DOME_WIDTH. When the person still reaches the top of the picture, the value
 * is how far it was seen (a lower bound; details.headTopClipped = 1).
 */
function headTop(mask: PersonMask, lm: readonly LandmarkPx[], f: Frame): { value: number | null; details: Record<string, number> } {
  const top = pt(lm, FOREHEAD_TOP);
  const half = 0.12 * f.faceWidth;
  const steps = Math.ceil(HEAD_SEARCH * f.faceHeight);
  let last = -1;
  let misses = 0;
  let clipped = 0;
  for (let k = 0; k <= steps; k++) {
    const cx = top.x + f.up.x * k;
    const cy = top.y + f.up.y * k;
    let person = 0;
    let seen = 0;
    for (let j = -4; j <= 4; j++) {
      const v = maskAt(mask, cx + f.across.x * (half * j) / 4, cy + f.across.y * (half * j) / 4);
      if (v < 0) continue;
      seen++;
      if (v >= 128) person++;
    }
    if (seen === 0) {
      clipped = 1;
      break;
    }
    if (person / seen >= 0.5) {
      last = k;
      misses = 0;
    } else if (++misses > Math.max(3, 0.03 * f.faceHeight)) break;
  }
  if (last < 0) return { value: null, details: {} };
  // Width of the person 0.1 face heights below that top, across the axis, in face widths: a dome of
  // hair is wide there, a bun or a crown-high knot narrow.
  const wAt = (k: number) => {
    const cx = top.x + f.up.x * k;
    const cy = top.y + f.up.y * k;
    let n = 0;
    for (let u = -f.faceWidth; u <= f.faceWidth; u += 1) if (maskAt(mask, cx + f.across.x * u, cy + f.across.y * u) >= 128) n++;
    return n / f.faceWidth;
  };
  const height = last / f.faceHeight;
  const width = wAt(last - 0.1 * f.faceHeight);
  return { value: height + HEAD_NARROW_WEIGHT * Math.max(0, HEAD_DOME_WIDTH - width), details: { headTopHeight: height, headTopWidth: width, headTopClipped: clipped } };
}
const HEAD_SEARCH = 1.5;
/** A dome of hair is at least this wide (face widths) 0.1 face heights below its top (0.79–1.08 on
 * the test portraits); a bun or a top-knot is narrower (0.38–0.40 on the generated ones). */
const HEAD_DOME_WIDTH = 0.75;
const HEAD_NARROW_WEIGHT = 0.5;

// ── jewellery ────────────────────────────────────────────────────────────────────────────────────

/** Zones and blobs are judged with the face resampled to this width. */
const JEWEL_FACE_PX = 160;
/** A white blob's mean luma must exceed its surroundings' by this much (8-bit). */
const JEWEL_CONTRAST = 45;
/** A white blob's surroundings must be within this ΔE76 of the cheeks: jewellery on skin. */
const JEWEL_ON_SKIN_DE = 15;
/** A gold blob must differ from its surroundings by this ΔE76. */
const JEWEL_GOLD_DE = 25;
/** Largest blob, px² at JEWEL_FACE_PX: a stud with a drop, ≈ 0.07 face widths square. */
const JEWEL_MAX_AREA = 120;

/**
 * Earrings and necklaces: small blobs in three zones, beside each ear lobe (from the nose tip to
 * 0.15 face heights below the chin, 0.1 face widths inside the face outline's widest point to 0.3
 * outside) and the front of the neck (chin to 0.35 face heights below it, ±0.35 face widths).
 * A blob is 2–JEWEL_MAX_AREA px² at JEWEL_FACE_PX (≈ 1–7 % of the face width across), not touching
 * its zone's edge (a collar, the backdrop), not longer than 4:1, and either
 * - gold: saturated yellow (R − B > 90, G − B > 60) no darker than the cheeks less 10 levels,
 *   clearly another colour than around it (ΔE76 ≥ 25); or
 * - white (silver, pearl, a stone): bright and nearly colourless, 45 levels brighter than around it,
 *   with skin around it (a fleck of white shirt has shirt around it, backdrop between curls hair).
 * Value: the blobs at the neck plus twice the pairs at the ears.
 */
function jewellery(px: RgbaPixels, lm: readonly LandmarkPx[], f: Frame, skin: { lab: Lab; luma: number }): { value: number | null; details: Record<string, number> } {
  const skinL8 = skin.luma;
  const thr = Math.max(170, Math.min(235, skinL8 + 45));
  const chin = pt(lm, CHIN);
  const nose = pt(lm, NOSE_TIP);
  const rightEdge = pt(lm, CHEEK_RIGHT);
  const leftEdge = pt(lm, CHEEK_LEFT);
  const fw = f.faceWidth;
  const zones = [
    { name: 'earRight', x0: rightEdge.x - 0.3 * fw, x1: rightEdge.x + 0.1 * fw, y0: nose.y, y1: chin.y + 0.15 * f.faceHeight },
    { name: 'earLeft', x0: leftEdge.x - 0.1 * fw, x1: leftEdge.x + 0.3 * fw, y0: nose.y, y1: chin.y + 0.15 * f.faceHeight },
    { name: 'neck', x0: chin.x - 0.35 * fw, x1: chin.x + 0.35 * fw, y0: chin.y, y1: chin.y + 0.35 * f.faceHeight },
  ];
  const k = JEWEL_FACE_PX / fw;
  let measured = 0;
  const details: Record<string, number> = {};
  for (const z of zones) {
    const w = Math.round((z.x1 - z.x0) * k);
    const h = Math.round((z.y1 - z.y0) * k);
    if (w < 4 || h < 4) continue;
    // 0 nothing, 1 white candidate, 2 gold candidate.
    const kind = new Uint8Array(w * h);
    const rgb = new Float32Array(w * h * 3);
    const lum = new Float32Array(w * h);
    let inPicture = 0;
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++) {
        const x = Math.floor(z.x0 + (i + 0.5) / k);
        const y = Math.floor(z.y0 + (j + 0.5) / k);
        if (x < 0 || y < 0 || x >= px.width || y >= px.height) continue;
        inPicture++;
        const o = (y * px.width + x) * 4;
        const R = px.data[o]!;
        const G = px.data[o + 1]!;
        const B = px.data[o + 2]!;
        const l = luma8(px.data, o);
        const c = j * w + i;
        lum[c] = l;
        rgb[c * 3] = R;
        rgb[c * 3 + 1] = G;
        rgb[c * 3 + 2] = B;
        if (R > 150 && G > 110 && R - B > 90 && G - B > 60 && l > skinL8 - 10) kind[c] = 2;
        else if (l >= thr && Math.max(R, G, B) - Math.min(R, G, B) <= 45) kind[c] = 1;
      }
    }
    if (inPicture < 0.6 * w * h) continue; // the zone is mostly outside the picture
    measured++;
    let count = 0;
    const seen = new Uint8Array(w * h);
    const stack: number[] = [];
    for (let s0 = 0; s0 < kind.length; s0++) {
      if (!kind[s0] || seen[s0]) continue;
      const want = kind[s0]!;
      seen[s0] = 1;
      stack.push(s0);
      let area = 0;
      let edge = false;
      let bx0 = w;
      let by0 = h;
      let bx1 = 0;
      let by1 = 0;
      const members: number[] = [];
      while (stack.length) {
        const c = stack.pop()!;
        members.push(c);
        area++;
        const cx = c % w;
        const cy = (c - cx) / w;
        if (cx === 0 || cy === 0 || cx === w - 1 || cy === h - 1) edge = true;
        bx0 = Math.min(bx0, cx);
        by0 = Math.min(by0, cy);
        bx1 = Math.max(bx1, cx);
        by1 = Math.max(by1, cy);
        const visit = (n: number) => {
          if (seen[n] || kind[n] !== want) return;
          seen[n] = 1;
          stack.push(n);
        };
        if (cx > 0) visit(c - 1);
        if (cx < w - 1) visit(c + 1);
        if (cy > 0) visit(c - w);
        if (cy < h - 1) visit(c + w);
      }
      const bw = bx1 - bx0 + 1;
      const bh = by1 - by0 + 1;
      if (edge || area < 2 || area > JEWEL_MAX_AREA || Math.max(bw, bh) > 4 * Math.min(bw, bh)) continue;
      // The blob against a ring 2 px out of its box.
      const member = new Set(members);
      const inner = [0, 0, 0, 0];
      const outer = [0, 0, 0, 0];
      let no = 0;
      for (const c of members) for (let q = 0; q < 3; q++) inner[q]! += rgb[c * 3 + q]!;
      for (const c of members) inner[3]! += lum[c]!;
      for (let y = Math.max(0, by0 - 2); y <= Math.min(h - 1, by1 + 2); y++) {
        for (let x = Math.max(0, bx0 - 2); x <= Math.min(w - 1, bx1 + 2); x++) {
          const c = y * w + x;
          if (member.has(c) || (x >= bx0 && x <= bx1 && y >= by0 && y <= by1)) continue;
          for (let q = 0; q < 3; q++) outer[q]! += rgb[c * 3 + q]!;
          outer[3]! += lum[c]!;
          no++;
        }
      }
      if (!no) continue;
      const labIn = srgbToLab(Math.round(inner[0]! / area), Math.round(inner[1]! / area), Math.round(inner[2]! / area));
      const labOut = srgbToLab(Math.round(outer[0]! / no), Math.round(outer[1]! / no), Math.round(outer[2]! / no));
      const de = (p: Lab, q: Lab) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
      if (want === 2 ? de(labIn, labOut) >= JEWEL_GOLD_DE : inner[3]! / area - outer[3]! / no >= JEWEL_CONTRAST && de(labOut, skin.lab) <= JEWEL_ON_SKIN_DE) count++;
    }
    details[`jewellery_${z.name}`] = count;
  }
  if (measured === 0) return { value: null, details };
  // Earrings come in pairs: an ear zone's blobs count only as far as the other ear has them too
  // (hair and beard put a lone bright fleck beside one ear now and then).
  const ears = Math.min(details['jewellery_earRight'] ?? 0, details['jewellery_earLeft'] ?? 0);
  return { value: (details['jewellery_neck'] ?? 0) + 2 * ears, details };
}
