/**
 * Exposure and white balance, global and bounded: one gain per channel, so shapes, skin texture and
 * features are never touched, and a bad estimate can only move colours a little.
 */
export interface Correction {
  /** Brightening factor applied to all channels (1 = none). */
  exposure: number;
  /** Per-channel white-balance gains, luminance-neutral (1,1,1 = none). */
  whiteBalance: [number, number, number];
}

const MAX_EXPOSURE_GAIN = 1.12;
/** The 99th percentile of the subject's luminance should reach about here; above it we leave it. */
const HIGHLIGHT_TARGET = 240;
const MAX_WB_GAIN_DEVIATION = 0.05;
/** Near-neutral bright pixels (white shirt, collar, background wall): what white balance is judged on.
 * Skin is far too saturated to qualify, so skin tones are never pulled toward grey. */
const NEUTRAL_MIN_LUMA = 120;
const NEUTRAL_MAX_LUMA = 250;
const NEUTRAL_MAX_CHROMA = 0.12;
const NEUTRAL_MIN_SHARE = 0.005;

const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;

/** Measures on pixels whose weight is over one half (the person, or the covered part of the frame). */
export function measureCorrection(rgb: Float32Array, weight: Float32Array): Correction {
  const histogram = new Uint32Array(256);
  let counted = 0;
  let neutral = 0;
  let nr = 0;
  let ng = 0;
  let nb = 0;
  for (let i = 0; i < weight.length; i++) {
    if (weight[i]! <= 0.5) continue;
    const r = rgb[i * 3]!;
    const g = rgb[i * 3 + 1]!;
    const b = rgb[i * 3 + 2]!;
    const y = luma(r, g, b);
    histogram[Math.min(255, Math.max(0, Math.round(y)))]!++;
    counted++;
    if (y >= NEUTRAL_MIN_LUMA && y <= NEUTRAL_MAX_LUMA && Math.max(r, g, b) - Math.min(r, g, b) <= NEUTRAL_MAX_CHROMA * y) {
      neutral++;
      nr += r;
      ng += g;
      nb += b;
    }
  }
  const none: Correction = { exposure: 1, whiteBalance: [1, 1, 1] };
  if (counted === 0) return none;

  let seen = 0;
  let p99 = 255;
  for (let v = 0; v < 256; v++) {
    seen += histogram[v]!;
    if (seen >= counted * 0.99) {
      p99 = v;
      break;
    }
  }
  // Only lifts an under-exposed still; an over-exposed one has lost its highlights for good.
  const exposure = p99 >= HIGHLIGHT_TARGET || p99 === 0 ? 1 : Math.min(MAX_EXPOSURE_GAIN, HIGHLIGHT_TARGET / p99);

  let whiteBalance: [number, number, number] = [1, 1, 1];
  if (neutral >= counted * NEUTRAL_MIN_SHARE) {
    const mean = [nr / neutral, ng / neutral, nb / neutral] as const;
    const grey = luma(mean[0], mean[1], mean[2]);
    const clampGain = (g: number) => Math.min(1 + MAX_WB_GAIN_DEVIATION, Math.max(1 - MAX_WB_GAIN_DEVIATION, g));
    const raw = mean.map((c) => clampGain(grey / c)) as [number, number, number];
    // Keep luminance where it was: white balance must not double as exposure.
    const norm = luma(raw[0], raw[1], raw[2]);
    whiteBalance = raw.map((g) => g / norm) as [number, number, number];
  }
  return { exposure, whiteBalance };
}
