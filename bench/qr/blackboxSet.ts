import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { RgbaImage } from '../../src/shared/qr/qrTypes.js';

/** ../shared/testdata next to the checkout (read-only); CC_TESTDATA overrides for other layouts. */
export function testdataDir(): string {
  return process.env['CC_TESTDATA'] ?? resolve(fileURLToPath(new URL('../../../shared/testdata', import.meta.url)));
}

export interface BlackboxCase {
  /** e.g. "qrcode-4/12" */
  name: string;
  imagePath: string;
  expected: string;
}

/** ZXing's QR blackbox folders: N.png with N.txt (UTF-8) or N.bin (ISO-8859-1), as ZXing's own tests read them. */
export function blackboxCases(): BlackboxCase[] {
  const root = join(testdataDir(), 'qr', 'zxing-blackbox');
  const cases: BlackboxCase[] = [];
  for (const folder of readdirSync(root).sort()) {
    const dir = join(root, folder);
    const images = readdirSync(dir).filter((f) => /\.(png|jpe?g|gif)$/i.test(f));
    images.sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || a.localeCompare(b));
    for (const file of images) {
      const stem = file.replace(/\.[^.]+$/, '');
      const txt = join(dir, `${stem}.txt`);
      const bin = join(dir, `${stem}.bin`);
      const expected = existsSync(txt) ? readFileSync(txt, 'utf8') : existsSync(bin) ? readFileSync(bin).toString('latin1') : null;
      if (expected === null) continue;
      cases.push({ name: `${folder}/${stem}`, imagePath: join(dir, file), expected });
    }
  }
  return cases;
}

export async function loadRgba(path: string): Promise<RgbaImage> {
  const { data, info } = await sharp(path).rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}
