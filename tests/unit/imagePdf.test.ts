import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { imagePagesHtml, readImagePdf } from '../../src/main/printing/imagePdf.js';
import { pagesToPdf } from '../../src/main/printing/pdfDocument.js';

/** The Electron print backend prints the queue's PDFs by reading their JPEG pages back. */
test('the queue’s PDF of JPEG pages reads back page by page, bytes and paper size intact', async () => {
  const jpeg = (r: number, w: number, h: number, channels: 1 | 3 = 3) =>
    sharp({ create: { width: w, height: h, channels: 3, background: { r, g: 40, b: 200 } } })
      .toColourspace(channels === 1 ? 'b-w' : 'srgb')
      .jpeg()
      .toBuffer();
  const a = await jpeg(10, 1800, 1200);
  const b = await jpeg(200, 1050, 1500, 1);
  const pdf = pagesToPdf(
    [
      { jpeg: a, widthPx: 1800, heightPx: 1200, widthMm: 152.4, heightMm: 101.6, channels: 3 },
      { jpeg: b, widthPx: 1050, heightPx: 1500, widthMm: 89, heightMm: 127, channels: 1 },
    ],
    '版式一 receipt',
  );
  const pages = readImagePdf(pdf);
  assert.equal(pages.length, 2);
  assert.ok(pages[0]!.jpeg.equals(a));
  assert.ok(pages[1]!.jpeg.equals(b));
  assert.deepEqual(pages.map((p) => [p.widthMm, p.heightMm]), [[152.4, 101.6], [89, 127]]);
  const html = imagePagesHtml(pages);
  assert.match(html, /@page\{size:152\.4mm 101\.6mm;margin:0\}/);
  assert.equal(html.match(/<img /g)?.length, 2);
  assert.doesNotMatch(html, /https?:/);
});

test('anything but a station print document is refused, not half-read', () => {
  assert.throws(() => readImagePdf(Buffer.from('hello')), /not a PDF/);
  assert.throws(() => readImagePdf(Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n')), /not a print document/);
});
