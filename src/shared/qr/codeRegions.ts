import type { Rect } from './grayImage.js';
import type { RgbaImage } from './qrTypes.js';

/**
 * Where a QR code probably is: blocks dense with strong edges in both directions. A code far from
 * the camera (2 px per module) or small in a tall screenshot reads once it is cropped and enlarged;
 * enlarging the whole frame instead would cost four times the pixels.
 */
export function likelyCodeRegions(img: RgbaImage, maxRegions = 3): Rect[] {
  const { data, width, height } = img;
  // Coarse luminance grid: every `step`-th pixel, green channel (cheap, close to luminance).
  const step = Math.max(2, Math.round(Math.max(width, height) / 480));
  const gw = Math.floor(width / step);
  const gh = Math.floor(height / step);
  if (gw < 16 || gh < 16) return [];
  const lum = new Uint8Array(gw * gh);
  for (let y = 0; y < gh; y++) {
    const row = y * step * width;
    for (let x = 0; x < gw; x++) lum[y * gw + x] = data[(row + x * step) * 4 + 1]!;
  }
  const block = 8;
  const bw = Math.floor(gw / block);
  const bh = Math.floor(gh / block);
  if (bw < 2 || bh < 2) return [];
  const density = new Float32Array(bw * bh);
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      let horizontal = 0;
      let vertical = 0;
      let lo = 255;
      let hi = 0;
      for (let y = by * block; y < (by + 1) * block; y++) {
        for (let x = bx * block; x < (bx + 1) * block; x++) {
          const v = lum[y * gw + x]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
          if (x + 1 < gw && Math.abs(v - lum[y * gw + x + 1]!) > 24) horizontal++;
          if (y + 1 < gh && Math.abs(v - lum[(y + 1) * gw + x]!) > 24) vertical++;
        }
      }
      // Both directions busy, and real contrast: a QR texture, not a stripe or sensor noise.
      density[by * bw + bx] = hi - lo < 40 ? 0 : Math.min(horizontal, vertical) / (block * block);
    }
  }
  const busy = (i: number) => density[i]! >= 0.12;
  const seen = new Uint8Array(bw * bh);
  const regions: Array<Rect & { score: number }> = [];
  for (let start = 0; start < bw * bh; start++) {
    if (seen[start] || !busy(start)) continue;
    let minX = bw;
    let minY = bh;
    let maxX = 0;
    let maxY = 0;
    let score = 0;
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % bw;
      const y = (i - x) / bw;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
      score += density[i]!;
      for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]] as const) {
        if (nx < 0 || ny < 0 || nx >= bw || ny >= bh) continue;
        const j = ny * bw + nx;
        if (!seen[j] && busy(j)) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    const cells = (maxX - minX + 1) * (maxY - minY + 1);
    // Most of the frame busy means clutter, not a code; a lone block is too small to hold one.
    if (cells >= bw * bh * 0.6 || cells < 2) continue;
    const px = block * step;
    // One block of margin: the quiet zone and any finder corner that fell below the density cut.
    regions.push({
      x: Math.max(0, (minX - 1) * px),
      y: Math.max(0, (minY - 1) * px),
      width: Math.min(width, (maxX + 2) * px) - Math.max(0, (minX - 1) * px),
      height: Math.min(height, (maxY + 2) * px) - Math.max(0, (minY - 1) * px),
      score,
    });
  }
  regions.sort((a, b) => b.score - a.score);
  return regions.slice(0, maxRegions).map(({ x, y, width: w, height: h }) => ({ x, y, width: w, height: h }));
}
