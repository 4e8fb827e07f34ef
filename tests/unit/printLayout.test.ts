import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contentSize, describeCounts, mmToPx, placeLayout, type SheetPlan } from '../../src/shared/print/layoutEngine.js';
import { maskName } from '../../src/shared/print/maskName.js';
import { describePrinterReasons } from '../../src/shared/print/printerReasons.js';
import type { PrintLayout } from '../../src/shared/print/printSchema.js';
import { specForPhotoSize } from '../../src/shared/print/printSpec.js';
import { loadPrintCatalog, printOptions, requireLayout, requirePaper, sizeMap } from '../../src/main/printing/printCatalog.js';
import { loadSpecProfiles, requireSpecProfile } from '../../src/main/spec/specProfiles.js';

const catalog = loadPrintCatalog();
const sizes = sizeMap(catalog);
const SHEETS = ['6cun', '5cun', 'a4', 'a6'] as const;

/**
 * Every built-in layout on every sheet paper: does it fit, only near-borderless, and when not, which
 * axis overflows by how much (needed vs available, mm, in the orientation that comes closest).
 */
type Expect = { fits: true; nearBorderless: boolean; orientation: 'portrait' | 'landscape'; margins: [number, number] } | { fits: false; shortfalls: Array<[axis: 'width' | 'height', needed: number, available: number]> };
const EXPECTED: Record<string, Record<(typeof SHEETS)[number], Expect>> = {
  // 8 × 1寸 turned (35×25) in 2 columns × 4 rows beside 4 × 2寸 in 2 × 2: 141.2 × 101.2 mm of photos.
  'ban1-1cun8-2cun4': {
    '6cun': { fits: true, nearBorderless: true, orientation: 'landscape', margins: [5.6, 0.2] },
    '5cun': { fits: false, shortfalls: [['width', 141.6, 127], ['height', 101.6, 88.9]] },
    a4: { fits: true, nearBorderless: false, orientation: 'landscape', margins: [77.9, 54.4] },
    a6: { fits: true, nearBorderless: true, orientation: 'landscape', margins: [3.4, 1.9] },
  },
  // 4 × 2 of 2寸 with 1 mm gaps: 143 × 99 mm; 1.3 mm left above and below on 6寸.
  'ban2-2cun8': {
    '6cun': { fits: true, nearBorderless: true, orientation: 'landscape', margins: [4.7, 1.3] },
    '5cun': { fits: false, shortfalls: [['width', 145, 127], ['height', 101, 88.9]] },
    a4: { fits: true, nearBorderless: false, orientation: 'landscape', margins: [77, 55.5] },
    a6: { fits: true, nearBorderless: true, orientation: 'landscape', margins: [2.5, 3] },
  },
  'ban3-1cun8-5cun': {
    '6cun': { fits: true, nearBorderless: false, orientation: 'landscape', margins: [23.2, 14.8] },
    '5cun': { fits: true, nearBorderless: false, orientation: 'landscape', margins: [10.5, 8.5] },
    a4: { fits: true, nearBorderless: false, orientation: 'landscape', margins: [95.5, 69] },
    a6: { fits: true, nearBorderless: false, orientation: 'landscape', margins: [21, 16.5] },
  },
  'ban4-2cun4-5cun': {
    '6cun': { fits: true, nearBorderless: false, orientation: 'portrait', margins: [14.8, 26.2] },
    '5cun': { fits: true, nearBorderless: false, orientation: 'portrait', margins: [8.5, 13.5] },
    a4: { fits: true, nearBorderless: false, orientation: 'portrait', margins: [69, 98.5] },
    a6: { fits: true, nearBorderless: false, orientation: 'portrait', margins: [16.5, 24] },
  },
  'ban5-xiao2cun8': {
    '6cun': { fits: true, nearBorderless: false, orientation: 'landscape', margins: [3.2, 4.8] },
    '5cun': { fits: false, shortfalls: [['width', 150, 127], ['height', 96, 88.9]] },
    a4: { fits: true, nearBorderless: false, orientation: 'landscape', margins: [75.5, 59] },
    a6: { fits: false, shortfalls: [['width', 150, 148]] },
  },
  'ban6-da1cun8': {
    '6cun': { fits: true, nearBorderless: true, orientation: 'landscape', margins: [7.2, 1.8] },
    '5cun': { fits: false, shortfalls: [['width', 140, 127], ['height', 100, 88.9]] },
    a4: { fits: true, nearBorderless: false, orientation: 'landscape', margins: [79.5, 56] },
    a6: { fits: true, nearBorderless: false, orientation: 'landscape', margins: [5, 3.5] },
  },
  'a4-2cun8-1cun20': {
    '6cun': { fits: false, shortfalls: [['width', 169, 101.6], ['height', 273, 152.4]] },
    '5cun': { fits: false, shortfalls: [['width', 169, 88.9], ['height', 273, 127]] },
    a4: { fits: true, nearBorderless: false, orientation: 'portrait', margins: [30.5, 22] },
    a6: { fits: false, shortfalls: [['width', 169, 105], ['height', 273, 148]] },
  },
  'a4-1cun30': {
    '6cun': { fits: false, shortfalls: [['width', 157, 101.6], ['height', 245, 152.4]] },
    '5cun': { fits: false, shortfalls: [['width', 157, 88.9], ['height', 245, 127]] },
    a4: { fits: true, nearBorderless: false, orientation: 'portrait', margins: [36.5, 36] },
    a6: { fits: false, shortfalls: [['width', 157, 105], ['height', 245, 148]] },
  },
};

/** Photos inside the paper, at least the margin from its edge, never overlapping, at least one gap apart. */
function checkPlan(plan: SheetPlan, layout: PrintLayout) {
  const eps = 1e-6;
  for (const p of plan.placements) {
    assert.ok(p.xMm >= layout.marginMm - eps && p.yMm >= layout.marginMm - eps, `photo ${p.index} inside the margin`);
    assert.ok(p.xMm + p.wMm <= plan.widthMm - layout.marginMm + eps && p.yMm + p.hMm <= plan.heightMm - layout.marginMm + eps, `photo ${p.index} off the paper`);
    const size = sizes.get(p.sizeId)!;
    assert.deepEqual([p.wPx, p.hPx], p.rotated ? [mmToPx(size.heightMm, plan.dpi), mmToPx(size.widthMm, plan.dpi)] : [mmToPx(size.widthMm, plan.dpi), mmToPx(size.heightMm, plan.dpi)]);
    assert.ok(p.xPx >= 0 && p.yPx >= 0 && p.xPx + p.wPx <= plan.widthPx && p.yPx + p.hPx <= plan.heightPx, `photo ${p.index} pixels off the sheet`);
  }
  for (const a of plan.placements) {
    for (const b of plan.placements) {
      if (a.index >= b.index) continue;
      const apartX = Math.max(b.xMm - (a.xMm + a.wMm), a.xMm - (b.xMm + b.wMm));
      const apartY = Math.max(b.yMm - (a.yMm + a.hMm), a.yMm - (b.yMm + b.hMm));
      assert.ok(Math.max(apartX, apartY) >= layout.gapMm - eps, `photos ${a.index} and ${b.index} closer than the gap`);
    }
  }
  const expectedCount = layout.blocks.reduce((s, b) => s + b.cols * b.rows, 0);
  assert.equal(plan.placements.length, expectedCount);
}

describe('print layouts: every built-in layout on every sheet paper', () => {
  test('the catalogue holds the papers and sizes the seeds sell', () => {
    const px = (id: string) => {
      const p = requirePaper(catalog, id);
      return [mmToPx(p.heightMm!, p.dpi), mmToPx(p.widthMm, p.dpi)];
    };
    assert.deepEqual(px('6cun'), [1800, 1200]);
    assert.deepEqual(px('5cun'), [1500, 1050]);
    assert.deepEqual(px('a4'), [3508, 2480]);
    const mm = (id: string) => [sizes.get(id)!.widthMm, sizes.get(id)!.heightMm];
    assert.deepEqual(mm('1cun'), [25, 35]);
    assert.deepEqual(mm('2cun'), [35, 49]);
    assert.deepEqual(mm('xiao2cun'), [35, 45]);
    assert.deepEqual(mm('da1cun'), [33, 48]);
    assert.deepEqual(Object.keys(EXPECTED).sort(), catalog.layouts.map((l) => l.id).sort(), 'every built-in layout has expectations here');
    assert.equal(describeCounts(requireLayout(catalog, 'ban1-1cun8-2cun4'), sizes).zh, '1寸×8 + 2寸×4');
    assert.equal(describeCounts(requireLayout(catalog, 'ban2-2cun8'), sizes).zh, '2寸×8');
  });

  for (const [layoutId, byPaper] of Object.entries(EXPECTED)) {
    for (const paperId of SHEETS) {
      test(`${layoutId} on ${paperId}`, () => {
        const layout = requireLayout(catalog, layoutId);
        const paper = requirePaper(catalog, paperId);
        const fit = placeLayout(layout, paper, sizes);
        const want = byPaper[paperId];
        assert.equal(fit.fits, want.fits, fit.en);
        if (fit.fits && want.fits) {
          assert.equal(fit.plan.nearBorderless, want.nearBorderless, fit.en);
          assert.equal(fit.plan.orientation, want.orientation);
          assert.deepEqual([fit.plan.marginXMm, fit.plan.marginYMm], want.margins);
          checkPlan(fit.plan, layout);
          if (want.nearBorderless) assert.match(fit.zh, /无边距/);
        } else if (!fit.fits && !want.fits) {
          assert.deepEqual(
            fit.shortfalls.map((s) => [s.axis, s.neededMm, s.availableMm]),
            want.shortfalls,
          );
          // The numbers are in the words the photographer reads.
          for (const [, needed, available] of want.shortfalls) {
            assert.ok(fit.zh.includes(`${needed.toFixed(1)} mm`) && fit.zh.includes(`${available.toFixed(1)} mm`), fit.zh);
            assert.ok(fit.en.includes(`${needed.toFixed(1)} mm`), fit.en);
          }
        }
      });
    }
  }

  test('版式一 on 6寸 fills the height to 0.2 mm; with a printer’s usual 3 mm margin it does not fit', () => {
    const layout = requireLayout(catalog, 'ban1-1cun8-2cun4');
    const six = requirePaper(catalog, '6cun');
    const fit = placeLayout(layout, six, sizes);
    assert.ok(fit.fits);
    assert.equal(fit.plan.widthPx, 1800);
    assert.equal(fit.plan.heightPx, 1200);
    assert.deepEqual(fit.plan.counts, [
      { sizeId: '1cun', count: 8 },
      { sizeId: '2cun', count: 4 },
    ]);
    assert.ok(fit.plan.placements.filter((p) => p.sizeId === '1cun').every((p) => p.rotated && p.wPx === 413 && p.hPx === 295));
    const bordered = placeLayout({ ...layout, marginMm: 3 }, six, sizes);
    assert.equal(bordered.fits, false);
    assert.ok(!bordered.fits && bordered.shortfalls.some((s) => s.axis === 'height' && s.neededMm === 107.2 && s.availableMm === 101.6), bordered.en);
    // Unturned, eight 1寸 beside four 2寸 need 170 mm across: it is the quarter turn that makes it fit.
    const unturned = placeLayout({ ...layout, blocks: layout.blocks.map((b) => ({ ...b, rotate: false })) }, six, sizes);
    assert.equal(unturned.fits, false);
  });

  test('版式二 (2寸×8) fits 6寸 only at 35×49 mm with about 1 mm gaps', () => {
    const layout = requireLayout(catalog, 'ban2-2cun8');
    const six = requirePaper(catalog, '6cun');
    assert.equal(contentSize(layout, sizes).heightMm, 99);
    assert.ok(placeLayout(layout, six, sizes).fits);
    const wideGaps = placeLayout({ ...layout, gapMm: 2 }, six, sizes);
    assert.ok(!wideGaps.fits && wideGaps.shortfalls[0]!.axis === 'height' && wideGaps.shortfalls[0]!.neededMm === 102, wideGaps.en);
    // The other common "2寸" (35×53 mm) does not fit in two rows at all.
    const tall = new Map(sizes);
    tall.set('2cun', { ...sizes.get('2cun')!, heightMm: 53 });
    const tallFit = placeLayout(layout, six, tall);
    assert.ok(!tallFit.fits && tallFit.shortfalls.some((s) => s.neededMm === 109 && s.availableMm === 101.6), tallFit.en);
  });

  test('the options the preview screen gets agree with the engine', () => {
    const options = printOptions(catalog);
    const ban1 = options.layouts.find((l) => l.layout.id === 'ban1-1cun8-2cun4')!;
    assert.deepEqual(
      ban1.fits.map((f) => [f.paperId, f.fits, f.nearBorderless]),
      [
        ['6cun', true, true],
        ['5cun', false, false],
        ['a4', true, false],
        ['a6', true, true],
      ],
    );
  });

  test('a roll paper is as long as the layout needs; a layout naming an unknown size is refused', () => {
    const roll = requirePaper(catalog, 'receipt-80');
    const one: PrintLayout = { id: 'one', name: { zh: '一', en: 'one' }, paper: 'receipt-80', arrange: 'row', blocks: [{ size: '1cun', cols: 2, rows: 1, rotate: false }], gapMm: 2, marginMm: 2, guides: { style: 'none', lengthMm: 0, grey: 0 } };
    const fit = placeLayout(one, roll, sizes);
    assert.ok(fit.fits);
    assert.equal(fit.plan.heightMm, 39);
    const three = placeLayout({ ...one, blocks: [{ size: '1cun', cols: 3, rows: 1, rotate: false }] }, roll, sizes);
    assert.ok(!three.fits && three.shortfalls[0]!.availableMm === 72);
    assert.throws(() => placeLayout({ ...one, blocks: [{ size: '9cun', cols: 1, rows: 1, rotate: false }] }, roll, sizes), /unknown photo size 9cun/);
  });
});

describe('print spec, masked names, printer reasons', () => {
  const specs = loadSpecProfiles();
  test('1寸 and 2寸 at 300 dpi are exactly the print profiles; 小2寸 and 大1寸 scale 2寸’s head geometry', () => {
    for (const [sizeId, specId] of [['1cun', 'print-1cun'], ['2cun', 'print-2cun']] as const) {
      const base = requireSpecProfile(specs, specId);
      const s = specForPhotoSize(base, sizes.get(sizeId)!, 300, 'blue');
      assert.deepEqual([s.output.widthPx, s.output.heightPx], [base.output.widthPx, base.output.heightPx]);
      assert.deepEqual(s.geometry, base.geometry);
    }
    const small = specForPhotoSize(requireSpecProfile(specs, 'print-2cun'), sizes.get('xiao2cun')!, 300, 'white');
    assert.deepEqual([small.output.widthPx, small.output.heightPx], [413, 531]);
    assert.deepEqual(small.output.background, [255, 255, 255]);
    assert.deepEqual(small.geometry.eyesFromTopPx, [158, 237]);
  });

  test('names on a slip are masked', () => {
    assert.equal(maskName('张三'), '张*');
    assert.equal(maskName('张三丰'), '张*丰');
    assert.equal(maskName('欧阳娜娜'), '欧**娜');
    assert.equal(maskName('阿依古丽·买买提'), '阿******提');
    assert.equal(maskName('Li Hua'), 'L* H**');
    assert.equal(maskName('𠀋𠀌𠀍'), '𠀋*𠀍');
  });

  test('printer-state-reasons become words, errors before warnings', () => {
    assert.equal(describePrinterReasons(['none']), null);
    const empty = describePrinterReasons(['media-empty-error', 'toner-low-warning'])!;
    assert.equal(empty.severity, 'error');
    assert.match(empty.zh, /缺纸/);
    assert.match(empty.en, /out of paper/);
    assert.doesNotMatch(empty.zh, /墨粉/);
    const low = describePrinterReasons(['toner-low-report'])!;
    assert.equal(low.severity, 'warning');
    assert.match(describePrinterReasons(['paused'], 'Printer stopped by admin')!.en, /paused.*Printer stopped by admin/);
    assert.match(describePrinterReasons(['offline-report'])!.zh, /离线/);
    assert.equal(describePrinterReasons(['cups-waiting-for-job-completed']), null);
  });
});
