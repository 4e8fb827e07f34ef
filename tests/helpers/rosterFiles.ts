import { once } from 'node:events';
import { crc32, createDeflateRaw } from 'node:zlib';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

/** Builds roster files the way schools send them, from rows of cells. */
export function csvBytes(rows: string[][], encoding: 'utf-8' | 'utf-8-bom' | 'gbk' = 'utf-8'): Buffer {
  const text = rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';
  if (encoding === 'gbk') return iconv.encode(text, 'gbk');
  const body = Buffer.from(text, 'utf8');
  return encoding === 'utf-8-bom' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}

export async function xlsxBytes(rows: (string | number)[][], opts: { titleRow?: string } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名单');
  if (opts.titleRow) ws.addRow([opts.titleRow]);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** One file inside a zip: its content as pieces (streamed through the compressor, never whole). */
export interface ZipPart {
  name: string;
  content: Iterable<string | Buffer>;
  /** The uncompressed size the zip's headers claim, when a hostile file lies about it. */
  claimedSize?: number;
}

/**
 * A zip made piece by piece, deflated as it goes: how a hostile workbook is built (a sheet of
 * hundreds of megabytes that compresses to a few hundred kilobytes) without holding it in memory.
 */
export async function zipParts(parts: ZipPart[]): Promise<Buffer> {
  const out: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const deflater = createDeflateRaw({ level: 9 });
    const compressed: Buffer[] = [];
    deflater.on('data', (b: Buffer) => compressed.push(b));
    const ended = new Promise<void>((resolve, reject) => {
      deflater.once('end', resolve);
      deflater.once('error', reject);
    });
    let crc = 0;
    let size = 0;
    for (const piece of part.content) {
      const b = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
      crc = crc32(b, crc);
      size += b.length;
      if (!deflater.write(b)) await once(deflater, 'drain');
    }
    deflater.end();
    await ended;
    const data = Buffer.concat(compressed);
    const name = Buffer.from(part.name, 'utf8');
    const claimed = part.claimedSize ?? size;
    if (claimed > 0xfffffffe) throw new Error('zipParts writes no ZIP64');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(claimed, 22);
    local.writeUInt16LE(name.length, 26);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(20, 4);
    cen.writeUInt16LE(20, 6);
    cen.writeUInt16LE(0x0800, 8);
    cen.writeUInt16LE(8, 10);
    cen.writeUInt32LE(crc >>> 0, 16);
    cen.writeUInt32LE(data.length, 20);
    cen.writeUInt32LE(claimed, 24);
    cen.writeUInt16LE(name.length, 28);
    cen.writeUInt32LE(offset, 42);
    out.push(local, name, data);
    central.push(cen, name);
    offset += local.length + name.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...out, cd, end]);
}

/** The smallest package Excel (and our reader) takes as a workbook: one sheet, whose XML is given in
 * pieces, between the worksheet's opening and closing tags. */
export function xlsxWithSheet(sheetBody: Iterable<string>, opts: { claimedSheetSize?: number } = {}): Promise<Buffer> {
  const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  return zipParts([
    {
      name: '[Content_Types].xml',
      content: [
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
      ],
    },
    { name: '_rels/.rels', content: [`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`] },
    { name: 'xl/workbook.xml', content: [`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${ns}" xmlns:r="${rel}"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>`] },
    { name: 'xl/_rels/workbook.xml.rels', content: [`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`] },
    {
      name: 'xl/worksheets/sheet1.xml',
      content: (function* () {
        yield `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${ns}">`;
        yield* sheetBody;
        yield '</worksheet>';
      })(),
      ...(opts.claimedSheetSize !== undefined ? { claimedSize: opts.claimedSheetSize } : {}),
    },
  ]);
}

/** An inline-string cell, escaped for XML. */
export function inlineCell(ref: string, text: string): string {
  return `<c r="${ref}" t="inlineStr"><is><t>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</t></is></c>`;
}
