/**
 * Print bench: the time from "print" to the PDF lp gets, for the 6寸 layouts and a receipt, from a
 * 24 MP camera still (bench/finish/still24mp.ts) captured through the station's real services with
 * a stand-in person mask. Each sheet re-runs the finishing per photo size from the original, so
 * this is mostly finishPhoto at print resolution plus compositing and JPEG encoding. Median of 5
 * after a warm-up. No thresholds.
 *
 *   node --import tsx bench/print/run.ts
 */
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { personShapeMask, scaleFace } from '../finish/portraitFixtures.js';
import { make24mp } from '../finish/still24mp.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { printServiceFor } from '../../src/main/printing/printService.js';
import { receiptDocument, sheetDocument } from '../../src/main/printing/printDocuments.js';
import { handVerdict } from '../../tests/helpers/stationCapture.js';
import { tempApp } from '../../tests/helpers/tempApp.js';

const RUNS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const app = await tempApp({ demo: true });
  try {
    const s = await app.loggedIn();
    const [student] = (await app.call(s, 'students.search', { taskCode: DEMO_TASK_CODE, query: '2022' })).students;
    const { orderId } = await app.call(s, 'checkin.confirm', { taskCode: DEMO_TASK_CODE, studentId: student!.id });
    await app.call(s, 'capture.begin', { orderId });
    const still = await make24mp();
    const shot = await app.call(s, 'capture.submitStill', { orderId, camera: 'uvc', imageBase64: still.jpeg.toString('base64') });
    const analysis = await app.call(s, 'capture.analysisImage', { captureId: shot.captureId });
    const face = scaleFace(still.face, analysis.width / still.face.imageWidth, 0, 0, analysis.width, analysis.height);
    const mask = personShapeMask(face, 256);
    const maskPng = await sharp(Buffer.from(mask.data), { raw: { width: mask.width, height: mask.height, channels: 1 } }).png().toBuffer();
    await app.call(s, 'capture.finish', { captureId: shot.captureId, face, maskPngBase64: maskPng.toString('base64'), verdict: handVerdict() });
    await app.call(s, 'capture.accept', { orderId, captureId: shot.captureId, overrides: [] });
    const queue = printServiceFor(app.ctx, { serverUrl: () => 'https://cc.example.cn' });
    queue.stop();
    console.log(`24 MP still (${(still.jpeg.length / 1024 / 1024).toFixed(1)} MB), ${availableParallelism()} cores, median of ${RUNS}`);
    for (const [layoutId, background] of [['ban1-1cun8-2cun4', 'blue'], ['ban2-2cun8', 'white'], ['ban5-xiao2cun8', 'blue']] as const) {
      const req = { orderId, layoutId, paperId: '6cun', background };
      await sheetDocument(app.ctx, queue.catalog, req);
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        bytes = (await sheetDocument(app.ctx, queue.catalog, req)).pdf.length;
        times.push(performance.now() - t0);
      }
      console.log(`  ${layoutId.padEnd(18)} 6寸 ${background.padEnd(5)} ${median(times).toFixed(0).padStart(5)} ms  PDF ${(bytes / 1024).toFixed(0)} KB`);
    }
    const times: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const t0 = performance.now();
      await receiptDocument(app.ctx, queue.catalog, orderId, 'receipt-58', 'https://cc.example.cn');
      if (i > 0) times.push(performance.now() - t0);
    }
    console.log(`  receipt 58 mm              ${median(times).toFixed(0).padStart(5)} ms`);
  } finally {
    await app.close();
  }
}

await main();
