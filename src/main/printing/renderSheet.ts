import sharp, { type OverlayOptions } from 'sharp';
import { mmToPx, type Placement, type SheetPlan } from '../../shared/print/layoutEngine.js';
import type { Paper, PrintLayout } from '../../shared/print/printSchema.js';
import { withJfifDensity } from '../imaging/jfifDensity.js';
import type { PdfPage } from './pdfDocument.js';

/** One photo per size, as the print profile made it (upright; turned here where the layout says). */
export type PhotosBySize = ReadonlyMap<string, { jpeg: Buffer; widthPx: number; heightPx: number }>;

export interface RenderedSheet {
  /** The sheet as laid out (landscape layouts stay landscape), PNG: the preview and the saved copy. */
  png: Buffer;
  widthPx: number;
  heightPx: number;
  /** The page as the paper is fed: a landscape sheet turned a quarter clockwise. */
  page: PdfPage;
  /** Degrees the sheet was turned (clockwise) to make the page: 0 or 90. */
  pageRotation: 0 | 90;
}

function fillRect(rgb: Buffer, width: number, height: number, x0: number, y0: number, w: number, h: number, grey: number): void {
  const xa = Math.max(0, Math.round(x0));
  const ya = Math.max(0, Math.round(y0));
  const xb = Math.min(width, Math.round(x0 + w));
  const yb = Math.min(height, Math.round(y0 + h));
  for (let y = ya; y < yb; y++) rgb.fill(grey, (y * width + xa) * 3, (y * width + xb) * 3);
}

/**
 * Cutting guides, drawn before the photos so a guide never covers one: 'outline' draws a hairline
 * around each photo (the cut runs along it: for near-borderless sheets whose gaps are too narrow for
 * marks); 'crop-marks' extends each photo's edges outward from its corners.
 */
function drawGuides(rgb: Buffer, plan: SheetPlan, layout: PrintLayout): void {
  const { style, grey } = layout.guides;
  if (style === 'none') return;
  const W = plan.widthPx;
  const H = plan.heightPx;
  const line = 1; // px: 0.085 mm at 300 dpi
  for (const p of plan.placements) {
    const { xPx: x, yPx: y, wPx: w, hPx: h } = p;
    if (style === 'outline') {
      fillRect(rgb, W, H, x - line, y - line, w + 2 * line, line, grey);
      fillRect(rgb, W, H, x - line, y + h, w + 2 * line, line, grey);
      fillRect(rgb, W, H, x - line, y - line, line, h + 2 * line, grey);
      fillRect(rgb, W, H, x + w, y - line, line, h + 2 * line, grey);
      continue;
    }
    const L = mmToPx(layout.guides.lengthMm, plan.dpi);
    if (L <= 0) continue;
    // Horizontal marks on the top and bottom edges, left and right of the photo.
    for (const yy of [y - line, y + h]) {
      fillRect(rgb, W, H, x - L, yy, L, line, grey);
      fillRect(rgb, W, H, x + w, yy, L, line, grey);
    }
    // Vertical marks on the left and right edges, above and below.
    for (const xx of [x - line, x + w]) {
      fillRect(rgb, W, H, xx, y - L, line, L, grey);
      fillRect(rgb, W, H, xx, y + h, line, L, grey);
    }
  }
}

async function placed(p: Placement, photos: PhotosBySize): Promise<OverlayOptions> {
  const photo = photos.get(p.sizeId);
  if (!photo) throw new Error(`no photo rendered for size ${p.sizeId}`);
  const input = p.rotated ? await sharp(photo.jpeg).rotate(90).toBuffer() : photo.jpeg;
  return { input, left: p.xPx, top: p.yPx };
}

/** The sheet at the paper's dpi: white paper, guides, photos; and the page to print. */
export async function renderSheet(plan: SheetPlan, layout: PrintLayout, paper: Paper, photos: PhotosBySize): Promise<RenderedSheet> {
  const W = plan.widthPx;
  const H = plan.heightPx;
  const rgb = Buffer.alloc(W * H * 3, 255);
  drawGuides(rgb, plan, layout);
  const overlays = await Promise.all(plan.placements.map((p) => placed(p, photos)));
  // Compositing hands back an alpha channel: keep whatever it says and drop the alpha after.
  const sheet = await sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
    .composite(overlays)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: W, height: H, channels: sheet.info.channels } };
  const png = await sharp(sheet.data, raw).removeAlpha().withMetadata({ density: plan.dpi }).png().toBuffer();

  const turn = plan.orientation === 'landscape';
  let pageImage = sharp(sheet.data, raw).removeAlpha();
  if (turn) pageImage = pageImage.rotate(90);
  // 4:4:4 keeps hairline guides and the photos' edges crisp; 95 is visually lossless at 300 dpi.
  const jpeg = withJfifDensity(await pageImage.jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer(), plan.dpi);
  return {
    png,
    widthPx: W,
    heightPx: H,
    pageRotation: turn ? 90 : 0,
    page: {
      jpeg,
      widthPx: turn ? H : W,
      heightPx: turn ? W : H,
      widthMm: paper.widthMm,
      heightMm: paper.heightMm ?? (turn ? plan.widthMm : plan.heightMm),
      channels: 3,
    },
  };
}
