import sharp from 'sharp';
import { mmToPx } from '../../shared/print/layoutEngine.js';
import { maskName } from '../../shared/print/maskName.js';
import type { Paper } from '../../shared/print/printSchema.js';
import { withJfifDensity } from '../imaging/jfifDensity.js';
import { qrModules } from '../qr/qrWriter.js';
import type { PdfPage } from './pdfDocument.js';

export interface ReceiptContent {
  orderId: string;
  studentName: string;
  schoolName: string;
  taskCode: string;
  capturedAt: string | null;
  stationName: string;
  /** Prints asked for, already in words ("版式一：1寸×8 + 2寸×4 ×1"). */
  prints: string[];
  /** What the QR holds: <server>/r/<token>. */
  url: string;
  printedAt: Date;
}

export interface RenderedReceipt {
  png: Buffer;
  widthPx: number;
  heightPx: number;
  page: PdfPage;
  /** The QR's place on the page, in page pixels (tests read it back from the printed PDF). */
  qr: { x: number; y: number; size: number };
}

const FONT = `'Noto Sans CJK SC', 'Noto Sans SC', 'WenQuanYi Micro Hei', 'Source Han Sans SC', sans-serif`;
const MONO = `'Noto Sans Mono CJK SC', 'DejaVu Sans Mono', monospace`;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const pad = (n: number) => String(n).padStart(2, '0');
function localStamp(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Width of a line in ems, roughly: CJK and full-width forms one em, the rest about half. */
function ems(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u.test(ch) ? 1 : 0.56;
  return w;
}

/** Greedy wrap by estimated width; Latin text breaks at spaces, CJK anywhere. */
function wrap(text: string, maxEms: number): string[] {
  const lines: string[] = [];
  let line = '';
  const tokens = text.match(/[A-Za-z0-9@:/._\-()'’,]+\s*|\s+|./gsu) ?? [];
  for (const t of tokens) {
    if (ems(line + t) > maxEms && line.trim()) {
      lines.push(line.trimEnd());
      line = t.trimStart();
    } else line += t;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}

/** The short order number people read out: the id's first 8 characters, grouped. */
export function shortOrderNumber(orderId: string): string {
  const s = orderId.replace(/[^0-9A-Za-z]/g, '').slice(0, 8).toUpperCase();
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/**
 * The slip handed to the student: the name partly masked, the order number, when and where, the
 * prints ordered, and a QR to the order's status page on the central server (the token in it is
 * random and says nothing by itself). Greyscale, sized to the roll's printable width (or A6), one
 * page as long as the content.
 */
export async function renderReceipt(content: ReceiptContent, paper: Paper): Promise<RenderedReceipt> {
  const dpi = paper.dpi;
  const px = (mm: number) => mmToPx(mm, dpi);
  const pageWmm = paper.widthMm;
  const contentWmm = paper.kind === 'roll' ? (paper.printableWidthMm ?? paper.widthMm - 6) : paper.widthMm - 16;
  const left = px((pageWmm - contentWmm) / 2);
  const W = px(pageWmm);
  const cw = px(contentWmm);
  // Type scales with the paper: an 80 mm roll or A6 reads from further away than a 58 mm one.
  const base = contentWmm >= 70 ? 3.6 : 3.0; // mm of font size
  const els: string[] = [];
  let y = px(paper.kind === 'roll' ? 3 : 8);
  const text = (t: string, sizeMm: number, opts: { bold?: boolean; mono?: boolean; centre?: boolean } = {}) => {
    const size = px(sizeMm);
    const maxEms = cw / size;
    for (const ln of wrap(t, maxEms)) {
      y += Math.round(size * 1.05);
      const x = opts.centre ? left + cw / 2 : left;
      els.push(
        `<text x="${x}" y="${y}" font-family="${opts.mono ? MONO : FONT}" font-size="${size}" ${opts.bold ? 'font-weight="bold"' : ''} ${opts.centre ? 'text-anchor="middle"' : ''} fill="#000">${esc(ln)}</text>`,
      );
      y += Math.round(size * 0.35);
    }
  };
  const rule = () => {
    y += px(1.2);
    els.push(`<rect x="${left}" y="${y}" width="${cw}" height="${Math.max(1, px(0.25))}" fill="#000"/>`);
    y += px(1.2);
  };

  text('毕业生图像采集回执', base * 1.4, { bold: true, centre: true });
  text('Graduate photo receipt', base * 0.85, { centre: true });
  rule();
  text(content.schoolName, base, { bold: true });
  text(`姓名 Name：${maskName(content.studentName)}`, base * 1.15, { bold: true });
  text(`订单号 Order：${shortOrderNumber(content.orderId)}`, base * 1.15, { bold: true });
  text(content.orderId, base * 0.72, { mono: true });
  text(`任务 Task：${content.taskCode}`, base * 0.85);
  if (content.capturedAt) text(`采集时间 Taken：${localStamp(new Date(content.capturedAt))}`, base * 0.85);
  for (const p of content.prints) text(`加洗 Prints：${p}`, base * 0.85);
  rule();

  const { data: modules, size: n } = await qrModules(content.url, 'M');
  const qrMaxPx = Math.min(cw, px(paper.kind === 'roll' ? 40 : 50));
  const modulePx = Math.max(2, Math.floor(qrMaxPx / n));
  const qrSize = modulePx * n;
  const qrX = left + Math.round((cw - qrSize) / 2);
  const qrY = y + px(1);
  y = qrY + qrSize + px(1);

  text('扫码查看审核进度，审核通过后可下载电子照片', base * 0.95, { centre: true });
  text('Scan to follow the review; download the photo once approved', base * 0.75, { centre: true });
  rule();
  text(`${content.stationName} · ${localStamp(content.printedAt)}`, base * 0.7, { centre: true });
  y += px(paper.kind === 'roll' ? 6 : 0); // tear-off room on a roll

  const H = paper.heightMm !== null ? px(paper.heightMm) : y;
  if (y > H) throw new Error(`receipt content (${y}px) is taller than the paper (${H}px)`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="#fff"/>${els.join('')}</svg>`;
  const qrPng = await sharp(Buffer.from(modules), { raw: { width: n, height: n, channels: 1 } })
    .resize(qrSize, qrSize, { kernel: 'nearest' })
    .png()
    .toBuffer();
  const grey = await sharp(Buffer.from(svg), { density: 72 })
    .flatten({ background: '#ffffff' })
    .composite([{ input: qrPng, left: qrX, top: qrY }])
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const img = () => sharp(grey.data, { raw: { width: grey.info.width, height: grey.info.height, channels: grey.info.channels } }).toColourspace('b-w');
  const png = await img().withMetadata({ density: dpi }).png().toBuffer();
  const jpeg = withJfifDensity(await img().jpeg({ quality: 95 }).toBuffer(), dpi);
  const heightMm = paper.heightMm ?? (H / dpi) * 25.4;
  return {
    png,
    widthPx: W,
    heightPx: H,
    page: { jpeg, widthPx: W, heightPx: H, widthMm: pageWmm, heightMm, channels: 1 },
    qr: { x: qrX, y: qrY, size: qrSize },
  };
}
