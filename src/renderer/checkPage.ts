/**
 * check.html: the kiosk's still-checking engine without the kiosk UI, so a headless Chromium can run
 * exactly what the station runs on files (`campus-capture check`, the E2E tests). Exposes
 * window.campusCheck(bytesBase64, specJson) for encoded images, window.campusCheckPixels(rgbBase64,
 * width, height, specJson) for main's raw analysis copy (what the station's worker is given; the CLI
 * uses it), and sets window.campusCheckReady once they exist.
 */
import { SpecProfile } from '../shared/spec/specProfile';
import type { FaceGeometry } from '../shared/vision/faceGeometry';
import type { PersonMask, PhotoMeasures } from '../shared/vision/measureTypes';
import type { Verdict } from '../shared/vision/verdict';
import { analyseStill } from './vision/analyseStill';
import type { RgbPixels } from './vision/stillVisionProtocol';

export interface CampusCheckResult {
  verdict: Verdict;
  face: FaceGeometry | null;
  /** Person mask 0–255 as PNG, base64; null if segmentation failed. */
  maskPngBase64: string | null;
  measures: PhotoMeasures;
  timings: Record<string, number>;
}

declare global {
  interface Window {
    campusCheck(bytesBase64: string, specJson: string): Promise<CampusCheckResult>;
    campusCheckPixels(rgbBase64: string, width: number, height: number, specJson: string): Promise<CampusCheckResult>;
    campusCheckReady?: boolean;
  }
}

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function toBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = '';
  // Chunks keep String.fromCharCode's argument list within the engine's limits.
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** The mask as a greyscale PNG, the shape the CLI and the tests read. */
async function maskPngBase64(mask: PersonMask | null): Promise<string | null> {
  if (!mask) return null;
  const rgba = new Uint8ClampedArray(mask.width * mask.height * 4);
  for (let i = 0, o = 0; i < mask.data.length; i++, o += 4) {
    const v = mask.data[i]!;
    rgba[o] = v;
    rgba[o + 1] = v;
    rgba[o + 2] = v;
    rgba[o + 3] = 255;
  }
  const canvas = new OffscreenCanvas(mask.width, mask.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('OffscreenCanvas 2D context unavailable');
  ctx.putImageData(new ImageData(rgba, mask.width, mask.height), 0, 0);
  return toBase64(await canvas.convertToBlob({ type: 'image/png' }));
}

async function run(image: Blob | RgbPixels, specJson: string): Promise<CampusCheckResult> {
  const spec = SpecProfile.parse(JSON.parse(specJson));
  const r = await analyseStill(image, spec);
  return { verdict: r.verdict, face: r.face, maskPngBase64: await maskPngBase64(r.mask), measures: r.measures, timings: r.timings };
}

window.campusCheck = (bytesBase64, specJson) => run(new Blob([fromBase64(bytesBase64)]), specJson);
window.campusCheckPixels = (rgbBase64, width, height, specJson) => run({ rgb: fromBase64(rgbBase64), width, height }, specJson);
window.campusCheckReady = true;
