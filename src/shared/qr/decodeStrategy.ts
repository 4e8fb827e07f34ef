import { likelyCodeRegions } from './codeRegions.js';
import {
  boxBlur,
  grayToRgba,
  rgbaCropToGray,
  rgbaToGray,
  rgbaToMinChannel,
  rotate,
  scaleBy,
  sharpen,
  stretchContrast,
  type GrayImage,
  type Rect,
} from './grayImage.js';
import { moduleReadings, renderModules, sampleRefinedModules } from './meshResampler.js';
import { dimensionForVersion } from './qrGeometry.js';
import type { DecodeMode, DecodeResult, QrReadFn, QrReadOptions, QrSighting, RgbaImage } from './qrTypes.js';

export type { DecodeMode, DecodeResult, QrReadFn, QrReadOptions, QrSighting, RgbaImage } from './qrTypes.js';

const LOCAL: QrReadOptions = { binarizer: 'LocalAverage', tryHarder: true, tryRotate: false, tryInvert: false, tryDownscale: false };
const HISTOGRAM: QrReadOptions = { ...LOCAL, binarizer: 'GlobalHistogram' };
const PURE: QrReadOptions = { binarizer: 'FixedThreshold', tryHarder: false, tryRotate: false, tryInvert: false, tryDownscale: false, isPure: true };

/** An image as one pass sees it, with its grey form made only if a pass needs it. */
interface View {
  rgba: () => RgbaImage;
  gray: () => GrayImage;
}

function viewOfRgba(rgba: RgbaImage): View {
  let gray: GrayImage | undefined;
  return { rgba: () => rgba, gray: () => (gray ??= rgbaToGray(rgba)) };
}

function viewOfGray(gray: GrayImage): View {
  let rgba: RgbaImage | undefined;
  return { rgba: () => (rgba ??= grayToRgba(gray)), gray: () => gray };
}

/** Long side of an enlarged crop: enough for 2 px modules to reach ~4 px, small enough to stay cheap. */
const CROP_TARGET = 720;

function cropView(source: RgbaImage, rect: Rect): View {
  const gray = rgbaCropToGray(source, rect);
  const factor = Math.min(3, CROP_TARGET / Math.max(gray.width, gray.height));
  return viewOfGray(factor > 1.15 ? scaleBy(gray, factor) : gray);
}

function isColoured(img: RgbaImage): boolean {
  const { data } = img;
  const stride = Math.max(4, Math.floor(data.length / 4 / 4096) * 4);
  let spread = 0;
  let n = 0;
  for (let i = 0; i + 2 < data.length; i += stride) {
    const r = data[i]!;
    const g = data[i + 1]!;
    const b = data[i + 2]!;
    spread += Math.max(r, g, b) - Math.min(r, g, b);
    n++;
  }
  return n > 0 && spread / n > 12;
}

class Decoder {
  /** Symbols located but unread, with the view they were seen in, for further mesh fits. */
  readonly sightings: Array<{ sighting: QrSighting; view: View; pass: string }> = [];

  constructor(private readonly read: QrReadFn) {}

  /**
   * One zxing read; if it only locates a symbol, our resampler gets one go at it with `meshNodes`
   * (0 = none). Returns the text or null.
   */
  async pass(name: string, view: View, opts: QrReadOptions, meshNodes: number, maxMeshes = 1): Promise<DecodeResult | null> {
    const findings = await this.read(view.rgba(), { ...opts, locate: meshNodes > 0 || opts.locate === true });
    const text = findings.find((f): f is string => typeof f === 'string');
    if (text !== undefined) return { text, pass: name };
    let meshed = 0;
    for (const f of findings) {
      if (typeof f === 'string') continue;
      this.sightings.push({ sighting: f, view, pass: name });
      if (meshNodes > 0 && meshed < maxMeshes) {
        meshed++;
        const found = await this.mesh(f, view, meshNodes);
        if (found !== null) return { text: found, pass: `${name}+mesh${meshNodes}` };
      }
    }
    return null;
  }

  async mesh(sighting: QrSighting, view: View, nodes: number): Promise<string | null> {
    const n = dimensionForVersion(sighting.version);
    const values = sampleRefinedModules(view.gray(), sighting.corners, sighting.version, { nodes });
    for (const bits of moduleReadings(values, n)) {
      const findings = await this.read(grayToRgba(renderModules(bits, n)), PURE);
      const text = findings.find((f): f is string => typeof f === 'string');
      if (text !== undefined) return text;
    }
    return null;
  }

  /** Every sighting so far, refitted with other mesh densities. */
  async remesh(nodeCounts: number[]): Promise<DecodeResult | null> {
    const seen = new Set<string>();
    for (const { sighting, view, pass } of this.sightings.slice()) {
      const key = `${pass}:${sighting.version}:${Math.round(sighting.corners.topLeft.x / 4)}:${Math.round(sighting.corners.topLeft.y / 4)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const nodes of nodeCounts) {
        const text = await this.mesh(sighting, view, nodes);
        if (text !== null) return { text, pass: `${pass}+mesh${nodes}` };
      }
    }
    return null;
  }
}

type Step = (d: Decoder) => Promise<DecodeResult | null>;

/** Image files: everything, cheapest and likeliest first, until one reads. */
function thoroughSteps(image: RgbaImage): Step[] {
  const base = viewOfRgba(image);
  const small = Math.max(image.width, image.height) <= 1600;
  const large = Math.min(image.width, image.height) >= 360;
  let regions: Rect[] | undefined;
  const region = (i: number) => (regions ??= likelyCodeRegions(image, 3))[i];
  const steps: Step[] = [
    (d) => d.pass('direct', base, { ...LOCAL, tryRotate: true, tryInvert: true, tryDownscale: true }, 4),
    (d) => d.pass('global-histogram', base, { ...HISTOGRAM, tryInvert: true }, 4),
    (d) => d.remesh([3, 5]),
  ];
  if (isColoured(image)) {
    const minChannel = viewOfGray(rgbaToMinChannel(image));
    steps.push((d) => d.pass('min-channel', minChannel, LOCAL, 4));
    steps.push((d) => d.pass('min-channel-histogram', minChannel, HISTOGRAM, 4));
  }
  if (small) {
    let up: View | undefined;
    const upscaled = () => (up ??= viewOfGray(scaleBy(base.gray(), 2)));
    steps.push((d) => d.pass('upscale2x', upscaled(), LOCAL, 4));
    steps.push((d) => d.pass('upscale2x-histogram', upscaled(), HISTOGRAM, 4));
  }
  if (large) {
    let down: View | undefined;
    const halved = () => (down ??= viewOfGray(scaleBy(base.gray(), 0.5)));
    steps.push((d) => d.pass('half', halved(), LOCAL, 4));
    steps.push((d) => d.pass('half-histogram', halved(), HISTOGRAM, 4));
  }
  for (let i = 0; i < 3; i++) {
    steps.push(async (d) => {
      const rect = region(i);
      if (!rect) return null;
      const view = cropView(image, rect);
      return (await d.pass(`region${i + 1}`, view, LOCAL, 4)) ?? d.pass(`region${i + 1}-histogram`, view, HISTOGRAM, 4);
    });
  }
  steps.push(
    (d) => d.pass('stretch', viewOfGray(stretchContrast(base.gray())), LOCAL, 4),
    (d) => d.pass('denoise', base, { ...LOCAL, tryDenoise: true }, 0),
    async (d) => {
      const blurred = viewOfGray(boxBlur(base.gray(), 1));
      return (await d.pass('blur', blurred, LOCAL, 4)) ?? d.pass('blur-histogram', blurred, HISTOGRAM, 4);
    },
    (d) => d.pass('sharpen', viewOfGray(sharpen(base.gray(), 1, 1)), LOCAL, 4),
    (d) => d.pass('rotate45', viewOfGray(rotate(base.gray(), 45, 255)), LOCAL, 4),
    (d) => d.remesh([2, 6]),
  );
  return steps;
}

/**
 * The camera loop: one cheap pass per frame. Even frames run the pass that reads nearly every
 * phone; odd frames take turns through fallbacks, so a hard code gets every treatment within
 * eight frames (~½ s at 15 fps) while no single frame costs more than about one full read.
 */
function liveStep(image: RgbaImage, frameIndex: number): Step {
  const base = viewOfRgba(image);
  if (frameIndex % 2 === 0) return (d) => d.pass('live-direct', base, LOCAL, 4);
  const fallback = (frameIndex >> 1) % 4;
  switch (fallback) {
    case 0:
      return (d) => d.pass('live-histogram', base, HISTOGRAM, 4);
    case 1:
      return (d) => {
        const rect = likelyCodeRegions(image, 1)[0] ?? {
          x: image.width / 4,
          y: image.height / 4,
          width: image.width / 2,
          height: image.height / 2,
        };
        return d.pass('live-region', cropView(image, rect), LOCAL, 4);
      };
    case 2:
      return (d) => d.pass('live-half', viewOfGray(scaleBy(base.gray(), 0.5)), LOCAL, 4);
    default:
      return (d) => d.pass('live-inverted', base, { ...LOCAL, tryInvert: true }, 0);
  }
}

/** 'live': one cheap pass per frame, cycling fallbacks over successive frames by frameIndex, for the
 * camera loop. 'thorough': everything until found, for image files. */
export async function decodeQr(image: RgbaImage, read: QrReadFn, mode: DecodeMode): Promise<DecodeResult | null> {
  if (image.width < 1 || image.height < 1 || image.data.length < image.width * image.height * 4) return null;
  const decoder = new Decoder(read);
  if (mode.kind === 'live') return liveStep(image, mode.frameIndex)(decoder);
  for (const step of thoroughSteps(image)) {
    const found = await step(decoder);
    if (found) return found;
  }
  return null;
}
