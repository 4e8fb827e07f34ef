import { seededRandom } from '../../src/shared/demo/seededRandom.js';
import type { RgbaImage } from '../../src/shared/qr/qrTypes.js';
import { fakeReservationToken, fakeXuexinCode, rgbToRgba } from './phoneScreenSet.js';
import { qrModules, type QrModules } from '../../src/main/qr/qrWriter.js';

/** An RGB raster with a rectangle painter; enough to draw app pages and saved codes. */
class Canvas {
  readonly rgb: Buffer;
  constructor(
    readonly width: number,
    readonly height: number,
    background: readonly [number, number, number],
  ) {
    this.rgb = Buffer.alloc(width * height * 3);
    this.fill(0, 0, width, height, background);
  }

  fill(x0: number, y0: number, w: number, h: number, [r, g, b]: readonly [number, number, number]): void {
    const xa = Math.max(0, Math.round(x0));
    const ya = Math.max(0, Math.round(y0));
    const xb = Math.min(this.width, Math.round(x0 + w));
    const yb = Math.min(this.height, Math.round(y0 + h));
    for (let y = ya; y < yb; y++) {
      for (let x = xa; x < xb; x++) {
        const p = (y * this.width + x) * 3;
        this.rgb[p] = r;
        this.rgb[p + 1] = g;
        this.rgb[p + 2] = b;
      }
    }
  }

  /** Dark modules as squares of `px`, quiet zone included in (x0, y0). */
  qr(modules: QrModules, x0: number, y0: number, px: number, quiet = 4): void {
    this.fill(x0, y0, (modules.size + 2 * quiet) * px, (modules.size + 2 * quiet) * px, [255, 255, 255]);
    for (let y = 0; y < modules.size; y++) {
      for (let x = 0; x < modules.size; x++) {
        if (modules.data[y * modules.size + x] === 0) this.fill(x0 + (quiet + x) * px, y0 + (quiet + y) * px, px, px, [0, 0, 0]);
      }
    }
  }

  /** Grey bars standing in for lines of text. */
  textLines(x0: number, y0: number, maxWidth: number, lines: number, rand: () => number, colour: readonly [number, number, number] = [60, 60, 60]): void {
    for (let i = 0; i < lines; i++) this.fill(x0, y0 + i * 44, maxWidth * (0.4 + 0.6 * rand()), 22, colour);
  }
}

/** The 采集码 as students save it: the code on white, a caption above and below. */
export async function renderSavedCode(text: string, modulePx: number): Promise<{ rgb: Buffer; width: number; height: number }> {
  const modules = await qrModules(text, 'M');
  const side = (modules.size + 8) * modulePx;
  const canvas = new Canvas(side + 80, side + 240, [255, 255, 255]);
  canvas.fill(40, 30, side * 0.7, 36, [30, 30, 30]);
  canvas.qr(modules, 40, 110, modulePx);
  canvas.fill(40, side + 150, side * 0.9, 28, [90, 90, 90]);
  return { rgb: canvas.rgb, width: canvas.width, height: canvas.height };
}

/**
 * A phone screenshot (1080×2340 by default) of a mini-program page: status bar, green title bar,
 * avatar and text, the code small on a white card, buttons and more text below.
 */
export async function renderScreenshot(
  text: string,
  opts: { width?: number; height?: number; modulePx?: number; seed?: number } = {},
): Promise<{ rgb: Buffer; width: number; height: number }> {
  const width = opts.width ?? 1080;
  const height = opts.height ?? 2340;
  const rand = seededRandom(opts.seed ?? 1);
  const modules = await qrModules(text, 'M');
  const px = opts.modulePx ?? 4;
  const c = new Canvas(width, height, [237, 237, 237]);
  c.fill(0, 0, width, 90, [250, 250, 250]);
  c.textLines(40, 30, 160, 1, rand, [20, 20, 20]);
  c.fill(width - 200, 30, 150, 30, [20, 20, 20]);
  c.fill(0, 90, width, 150, [7, 193, 96]);
  c.fill(60, 150, 300, 40, [255, 255, 255]);
  c.fill(0, 280, width, 260, [255, 255, 255]);
  c.fill(60, 320, 160, 160, [180, 200, 220]);
  c.textLines(260, 330, width - 360, 3, rand);
  const side = (modules.size + 8) * px;
  const cardTop = 600;
  c.fill(40, cardTop, width - 80, side + 420, [255, 255, 255]);
  c.textLines(100, cardTop + 50, width - 200, 2, rand, [40, 40, 40]);
  const qrX = Math.round((width - side) / 2);
  const qrY = cardTop + 180;
  c.qr(modules, qrX, qrY, px);
  c.textLines(100, qrY + side + 60, width - 200, 2, rand, [120, 120, 120]);
  const buttonsTop = cardTop + side + 480;
  c.fill(60, buttonsTop, width - 120, 110, [7, 193, 96]);
  c.fill(60, buttonsTop + 150, width - 120, 110, [220, 220, 220]);
  c.textLines(60, buttonsTop + 320, width - 120, Math.max(0, Math.floor((height - buttonsTop - 420) / 44)), rand, [150, 150, 150]);
  c.fill(width / 2 - 150, height - 40, 300, 12, [20, 20, 20]);
  return { rgb: c.rgb, width, height };
}

export interface CleanCase {
  name: string;
  image: RgbaImage;
  expected: string;
}

/** Half saved codes (3–10 px per module), half screenshots with the code at 3–5 px per module. */
export async function cleanSet(count = 50, seed = 7): Promise<CleanCase[]> {
  const cases: CleanCase[] = [];
  for (let i = 0; i < count; i++) {
    const rand = seededRandom(seed * 1000 + i);
    const text = i % 2 === 0 ? fakeReservationToken(rand) : fakeXuexinCode(rand);
    const screenshot = i % 4 >= 2;
    const frame = screenshot
      ? await renderScreenshot(text, { modulePx: 3 + Math.floor(rand() * 3), seed: seed * 1000 + i })
      : await renderSavedCode(text, 3 + Math.floor(rand() * 8));
    cases.push({ name: `${screenshot ? 'screenshot' : 'saved'}-${i}`, image: rgbToRgba(frame.rgb, frame.width, frame.height), expected: text });
  }
  return cases;
}
