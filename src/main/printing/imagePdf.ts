/**
 * Reads back the queue's own print documents (pdfDocument.ts: one full-page JPEG per page, in
 * page order, each page the paper's size) for a backend that prints images rather than PDFs: the
 * Electron backend lays each JPEG on a page of exactly that size. Only that layout is accepted;
 * any other PDF is refused rather than half-read.
 */
export interface ImagePdfPage {
  jpeg: Buffer;
  widthMm: number;
  heightMm: number;
}

const MM_PER_PT = 25.4 / 72;

export function readImagePdf(pdf: Buffer): ImagePdfPage[] {
  const text = pdf.toString('latin1');
  if (!text.startsWith('%PDF-')) throw new Error('not a PDF');
  const boxes = [...text.matchAll(/\/Type \/Page \/Parent 2 0 R \/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)].map((m) => ({ w: Number(m[1]) * MM_PER_PT, h: Number(m[2]) * MM_PER_PT }));
  const images: Buffer[] = [];
  const imageHead = /\/Subtype \/Image [^>]*\/Filter \/DCTDecode \/Length (\d+) >>\nstream\n/g;
  for (let m = imageHead.exec(text); m; m = imageHead.exec(text)) {
    const start = m.index + m[0].length;
    const length = Number(m[1]);
    const jpeg = pdf.subarray(start, start + length);
    if (jpeg.length !== length || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('an image in the PDF is cut short or not a JPEG');
    images.push(jpeg);
    imageHead.lastIndex = start + length;
  }
  if (boxes.length === 0 || boxes.length !== images.length) throw new Error(`not a print document of this station (${boxes.length} pages, ${images.length} images)`);
  return boxes.map((b, i) => ({ jpeg: images[i]!, widthMm: Math.round(b.w * 100) / 100, heightMm: Math.round(b.h * 100) / 100 }));
}

/**
 * One HTML page per image at the paper's exact size, no margins, for Chromium's printing. The
 * images are inline (data: URLs), so the page loads nothing from anywhere.
 */
export function imagePagesHtml(pages: readonly ImagePdfPage[]): string {
  const first = pages[0]!;
  const body = pages
    .map((p) => `<img src="data:image/jpeg;base64,${p.jpeg.toString('base64')}" style="width:${p.widthMm}mm;height:${p.heightMm}mm">`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"><style>@page{size:${first.widthMm}mm ${first.heightMm}mm;margin:0}html,body{margin:0;padding:0}img{display:block;page-break-after:always;break-after:page}img:last-child{page-break-after:auto;break-after:auto}</style></head><body>${body}</body></html>`;
}
