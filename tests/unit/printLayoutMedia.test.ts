import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { printerTakesPaper, pwgSizeMm } from '../../src/shared/print/mediaMatch.js';
import { parseCsvLine } from '../../src/main/printing/cups.js';
import { pagesToPdf } from '../../src/main/printing/pdfDocument.js';
import { loadPrintCatalog, requirePaper } from '../../src/main/printing/printCatalog.js';
import { cupsTitle, printJobId } from '../../src/main/printing/printService.js';
import { shortOrderNumber } from '../../src/main/printing/renderReceipt.js';

const catalog = loadPrintCatalog();

describe('printing helpers: media, ipptool CSV, the PDF, ids', () => {
  test('PWG media names carry their size; a printer takes a paper by size or by its custom range', () => {
    assert.deepEqual(pwgSizeMm('iso_a4_210x297mm'), { w: 210, h: 297 });
    const six = pwgSizeMm('na_index-4x6_4x6in')!;
    assert.ok(Math.abs(six.w - 101.6) < 1e-9 && Math.abs(six.h - 152.4) < 1e-9);
    assert.equal(pwgSizeMm('Letter'), null);
    const photoPrinter = ['na_index-4x6_4x6in', 'oe_photo-l_3.5x5in', 'na_5x7_5x7in'];
    assert.equal(printerTakesPaper(photoPrinter, requirePaper(catalog, '6cun')), true);
    assert.equal(printerTakesPaper(photoPrinter, requirePaper(catalog, '5cun')), true);
    assert.equal(printerTakesPaper(photoPrinter, requirePaper(catalog, 'a4')), false);
    assert.equal(printerTakesPaper(photoPrinter, requirePaper(catalog, 'receipt-58')), false);
    const thermal = ['custom_58x210mm_58x210mm', 'custom_min_58x10mm', 'custom_max_58x3000mm'];
    assert.equal(printerTakesPaper(thermal, requirePaper(catalog, 'receipt-58')), true);
    assert.equal(printerTakesPaper(thermal, requirePaper(catalog, 'receipt-80')), false);
    assert.equal(printerTakesPaper(thermal, requirePaper(catalog, '6cun')), false);
    const pdf = ['iso_a4_210x297mm', 'custom_min_0.5x0.5in', 'custom_max_35277.78x35277.78mm'];
    for (const id of ['6cun', '5cun', 'a4', 'a6', 'receipt-58', 'receipt-80']) assert.equal(printerTakesPaper(pdf, requirePaper(catalog, id)), true, id);
    assert.equal(printerTakesPaper([], requirePaper(catalog, '6cun')), true, 'nothing known: let CUPS decide');
  });

  test('ipptool CSV: quoted fields with commas and doubled quotes', () => {
    assert.deepEqual(parseCsvLine('CC_PDF,stopped,paused,"test reason, with comma",true'), ['CC_PDF', 'stopped', 'paused', 'test reason, with comma', 'true']);
    assert.deepEqual(parseCsvLine('a,"say ""hi""",,b'), ['a', 'say "hi"', '', 'b']);
    assert.deepEqual(parseCsvLine('"media-empty-error,toner-low-warning"'), ['media-empty-error,toner-low-warning']);
  });

  test('the PDF is one page of exactly the paper’s size per image, readable by poppler', async () => {
    const jpeg = await sharp({ create: { width: 1200, height: 1800, channels: 3, background: { r: 100, g: 197, b: 255 } } }).jpeg().toBuffer();
    const pdf = pagesToPdf(
      [
        { jpeg, widthPx: 1200, heightPx: 1800, widthMm: 101.6, heightMm: 152.4, channels: 3 },
        { jpeg, widthPx: 1200, heightPx: 1800, widthMm: 101.6, heightMm: 152.4, channels: 3 },
      ],
      '版式一 测试',
    );
    assert.equal(pdf.subarray(0, 8).toString('latin1'), '%PDF-1.4');
    const info = spawnSync('pdfinfo', ['-'], { input: pdf, encoding: 'utf8' });
    if (info.error) return; // poppler-utils not installed: the integration tests need it anyway
    assert.equal(info.status, 0, info.stderr);
    assert.match(info.stdout, /Pages:\s+2/);
    assert.match(info.stdout, /Page size:\s+288 x 432 pts/);
    assert.match(info.stdout, /Title:\s+版式一 测试/);
    const dir = mkdtempSync(join(tmpdir(), 'cc-pdf-'));
    try {
      writeFileSync(join(dir, 'a.pdf'), pdf);
      assert.equal(spawnSync('pdftoppm', ['-r', '300', '-png', '-f', '1', '-l', '1', '-singlefile', join(dir, 'a.pdf'), join(dir, 'p')]).status, 0);
      const meta = await sharp(join(dir, 'p.png')).metadata();
      assert.deepEqual([meta.width, meta.height], [1200, 1800]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('job ids come from the order and the request; titles name the attempt; order numbers are short', () => {
    const a = printJobId('order-1', 'req-1');
    assert.equal(a, printJobId('order-1', 'req-1'));
    assert.notEqual(a, printJobId('order-1', 'req-2'));
    assert.notEqual(a, printJobId('order-2', 'req-1'));
    assert.match(a, /^pj-[0-9a-f]{24}$/);
    assert.equal(cupsTitle(a, 2), `cc-${a}-a2`);
    assert.equal(shortOrderNumber('61c84dec-0ed2-4e04-b0fe-d6e093bb6045'), '61C8-4DEC');
  });
});
