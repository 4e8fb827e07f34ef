/**
 * A PDF of full-page JPEG images, one per page, each page exactly the paper's size: what `lp`
 * hands to CUPS. CUPS's own filters (pdftopdf, then the driver) take it from there, so the same
 * file prints on a photo printer, a laser or the cups-pdf queue. Hand-written (a few objects and an
 * xref table) because nothing more is needed: the image is embedded as is (DCTDecode), never
 * re-encoded, and no font or library is involved.
 */

export interface PdfPage {
  jpeg: Buffer;
  widthPx: number;
  heightPx: number;
  /** Page size in millimetres; the image fills it. */
  widthMm: number;
  heightMm: number;
  /** Greyscale JPEGs (receipts) need DeviceGray. */
  channels: 1 | 3;
}

const PT_PER_MM = 72 / 25.4;
const num = (n: number) => (Math.round(n * 1000) / 1000).toString();

export function pagesToPdf(pages: readonly PdfPage[], title: string): Buffer {
  if (pages.length === 0) throw new Error('a PDF needs at least one page');
  const objects: Buffer[] = [];
  const pageIds: number[] = [];
  // 1 catalog, 2 pages, 3 info; then per page: page, image, content.
  const firstPageObj = 4;
  pages.forEach((_, i) => pageIds.push(firstPageObj + i * 3));
  objects.push(Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'));
  objects.push(Buffer.from(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`));
  // PDF text strings: UTF-16BE with a byte-order mark carries any title.
  const titleHex = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(title, 'utf16le').swap16()]).toString('hex');
  objects.push(Buffer.from(`<< /Title <${titleHex}> /Producer (Campus Capture) >>`));
  pages.forEach((p, i) => {
    const pageId = firstPageObj + i * 3;
    const w = p.widthMm * PT_PER_MM;
    const h = p.heightMm * PT_PER_MM;
    const content = `q ${num(w)} 0 0 ${num(h)} 0 0 cm /Im0 Do Q`;
    objects.push(Buffer.from(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${num(w)} ${num(h)}] /Resources << /XObject << /Im0 ${pageId + 1} 0 R >> >> /Contents ${pageId + 2} 0 R >>`));
    objects.push(
      Buffer.concat([
        Buffer.from(
          `<< /Type /XObject /Subtype /Image /Width ${p.widthPx} /Height ${p.heightPx} /ColorSpace /${p.channels === 1 ? 'DeviceGray' : 'DeviceRGB'} /BitsPerComponent 8 /Filter /DCTDecode /Length ${p.jpeg.length} >>\nstream\n`,
        ),
        p.jpeg,
        Buffer.from('\nendstream'),
      ]),
    );
    objects.push(Buffer.from(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`));
  });

  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    parts.push(chunk);
    offset += chunk.length;
  });
  const xref =
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 3 0 R >>\nstartxref\n${offset}\n%%EOF\n`;
  parts.push(Buffer.from(xref));
  return Buffer.concat(parts);
}
