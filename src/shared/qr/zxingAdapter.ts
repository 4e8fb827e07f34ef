import type { Quad } from './qrGeometry.js';
import type { QrReadOptions, QrSighting } from './qrTypes.js';

/**
 * Shared by the Node reader and the Web Worker: how QrReadOptions become zxing-wasm ReaderOptions
 * and how its results become texts and sightings. Structural types only, so this folder needs no
 * zxing import; each caller passes the real objects and the compiler checks they fit.
 */
export function zxingReaderOptions(opts: QrReadOptions) {
  return {
    // Model 2 only: Micro QR's weak error detection turned noise into short bogus texts in our
    // trials, and rMQR / Model 1 are never printed by our server or CHSI. zxing-wasm 3.1.4 finds
    // nothing in pure mode when asked for the Model 2 variant, so pure reads ask for the family.
    formats: [opts.isPure ? 'QRCode' : 'QRCodeModel2'] as ['QRCode' | 'QRCodeModel2'],
    binarizer: opts.binarizer,
    tryHarder: opts.tryHarder,
    tryRotate: opts.tryRotate,
    tryInvert: opts.tryInvert,
    tryDownscale: opts.tryDownscale,
    tryDenoise: opts.tryDenoise ?? false,
    isPure: opts.isPure ?? false,
    maxNumberOfSymbols: opts.maxSymbols ?? 4,
    returnErrors: opts.locate ?? false,
    // Plain: the bytes as the symbol's ECI / guessed charset says, without GS1 parentheses — the
    // kiosk hashes and verifies exactly what the code carries.
    textMode: 'Plain' as const,
  };
}

export interface ZxingResultLike {
  isValid: boolean;
  error: string;
  text: string;
  format: string;
  version: string;
  position: Quad;
}

function area(q: Quad): number {
  const { topLeft: a, topRight: b, bottomRight: c, bottomLeft: d } = q;
  return Math.abs((a.x * b.y - b.x * a.y + b.x * c.y - c.x * b.y + c.x * d.y - d.x * c.y + d.x * a.y - a.x * d.y) / 2);
}

/** Valid texts first, largest symbol first (a small code printed inside a big one must not win),
 * then sightings of symbols that failed error correction. */
export function zxingFindings(results: readonly ZxingResultLike[], locate: boolean): Array<string | QrSighting> {
  const isQr = (r: ZxingResultLike) => r.format === 'QRCode' || r.format === 'QRCodeModel2';
  const valid = results.filter((r) => r.isValid && isQr(r) && r.text.length > 0).sort((a, b) => area(b.position) - area(a.position));
  const out: Array<string | QrSighting> = valid.map((r) => r.text);
  if (!locate) return out;
  for (const r of results) {
    if (r.isValid || !isQr(r)) continue;
    const version = Number.parseInt(r.version, 10);
    if (!Number.isInteger(version) || version < 1 || version > 40) continue;
    out.push({ corners: r.position, version });
  }
  return out;
}
