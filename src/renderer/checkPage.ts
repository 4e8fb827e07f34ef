/**
 * check.html: the kiosk's still-checking engine without the kiosk UI, so a headless Chromium can run
 * exactly what the station runs on files (`campus-capture check`, the E2E tests). Exposes
 * window.campusCheck(bytesBase64, specJson) and sets window.campusCheckReady once it exists.
 */
import { SpecProfile } from '../shared/spec/specProfile';
import type { FaceGeometry } from '../shared/vision/faceGeometry';
import type { PhotoMeasures } from '../shared/vision/measureTypes';
import type { Verdict } from '../shared/vision/verdict';
import { analyseStill } from './vision/analyseStill';

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

window.campusCheck = async (bytesBase64, specJson) => {
  const spec = SpecProfile.parse(JSON.parse(specJson));
  const r = await analyseStill(new Blob([fromBase64(bytesBase64)]), spec);
  return { verdict: r.verdict, face: r.face, maskPngBase64: r.maskPng ? await toBase64(r.maskPng) : null, measures: r.measures, timings: r.timings };
};
window.campusCheckReady = true;
