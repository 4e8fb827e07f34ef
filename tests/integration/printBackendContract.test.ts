import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { pagesToPdf } from '../../src/main/printing/pdfDocument.js';
import { cupsBackend, type PrintBackend } from '../../src/main/printing/printBackend.js';
import { waitFor } from './printingFixtures.js';

/**
 * What the crash-safe print queue relies on from a print system (src/main/printing/printBackend.ts),
 * as one suite any backend must pass: printers listed and described, unknown ones null, a job
 * handed over is named, followed to completion and found again by its title, a job for a printer
 * that does not exist refused as such. Run here against the real CUPS (its cups-pdf queue); the
 * Electron backend (Windows) implements the same interface but needs Electron, absent here.
 */
type Cups = { queue: string; outputDir: string };

export function printBackendContract(name: string, backend: () => PrintBackend, printerName: () => string): void {
  describe(`print backend contract: ${name}`, () => {
    let dir: string;
    let pdf: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cc-print-contract-'));
      const jpeg = await sharp({ create: { width: 600, height: 400, channels: 3, background: { r: 100, g: 197, b: 255 } } }).jpeg().toBuffer();
      pdf = join(dir, 'page.pdf');
      writeFileSync(pdf, pagesToPdf([{ jpeg, widthPx: 600, heightPx: 400, widthMm: 152.4, heightMm: 101.6, channels: 3 }], 'contract'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    test('lists its printers and describes one; an unknown printer is null', async () => {
      const b = backend();
      const { names } = await b.listPrinterNames();
      assert.ok(names.includes(printerName()), `${printerName()} not in ${names.join(', ')}`);
      const attrs = await b.printerAttributes(printerName());
      assert.ok(attrs);
      assert.equal(attrs.name, printerName());
      assert.equal(attrs.accepting, true);
      assert.ok(['idle', 'processing'].includes(attrs.state), attrs.state);
      assert.equal(await b.printerAttributes(`no-such-printer-${randomUUID().slice(0, 8)}`), null);
      const opts = await b.printerOptions(printerName());
      assert.ok(Array.isArray(opts.trays) && Array.isArray(opts.pageSizes));
    });

    test('a job handed over is named, reaches completed, and is found again by its title', async () => {
      const b = backend();
      const title = `cc-contract-${randomUUID().slice(0, 8)}`;
      const r = await b.submitJob({ printer: printerName(), file: pdf, title, media: null, tray: null, copies: 1 });
      assert.ok(r.ok, JSON.stringify(r));
      const done = await waitFor('the job to complete', async () => {
        const a = await b.jobAttributes(printerName(), r.cupsJobId);
        return a && a.state === 'completed' ? a : null;
      });
      assert.equal(done.id, r.cupsJobId);
      const found = await b.findJobsByTitle(printerName(), title);
      assert.deepEqual(found?.map((j) => j.id), [r.cupsJobId]);
      assert.deepEqual(await b.findJobsByTitle(printerName(), `${title}-never`), []);
    });

    test('a job for a printer that does not exist is refused as no-printer', async () => {
      const r = await backend().submitJob({ printer: `no-such-printer-${randomUUID().slice(0, 8)}`, file: pdf, title: 'x', media: null, tray: null, copies: 1 });
      assert.equal(r.ok, false);
      assert.equal(r.ok === false && r.kind, 'no-printer');
    });
  });
}

let cups: Cups;
before(async () => {
  const script = resolve(import.meta.dirname, '../../scripts/ensureCups.mjs');
  cups = await ((await import(script)) as { ensureCups(): Promise<Cups> }).ensureCups();
});
printBackendContract('CUPS (real, cups-pdf queue)', () => cupsBackend, () => cups.queue);
