import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAppContext } from '../../src/main/app/createAppContext.js';
import { insertCapture, setCaptureResult } from '../../src/main/db/queries/captures.js';
import { acceptCaptureForOrder, insertCheckedInOrder } from '../../src/main/db/queries/orders.js';
import { seedDemoOperators, seedDemoTask, DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { finishPhoto } from '../../src/main/imaging/finishPhoto.js';
import { loadSpecProfiles, requireSpecProfile } from '../../src/main/spec/specProfiles.js';
import { PORTRAIT_DIR, PORTRAIT_FACES } from '../finish/portraitFixtures.js';

/**
 * A station whose whole demo task (N students) was photographed today: every order accepted with a
 * real finished 学信网 photo (one finishing of a test portrait, made unique per student by a JPEG
 * comment) and an original, either the portrait itself or a 5 MB stand-in (one file, hard-linked:
 * the export reads each link as its own file). Written with the station's own query functions.
 */
export async function seedExportStation(dataDir: string, students: number, bigOriginals: boolean): Promise<{ finishedBytes: number; originalBytes: number }> {
  const ctx = await createAppContext({ dataDir, demo: false });
  try {
    await seedDemoOperators(ctx);
    seedDemoTask(ctx, students);
    const portrait = readFileSync(join(PORTRAIT_DIR, 'portrait-a.jpg'));
    const finished = await finishPhoto({ original: portrait, face: PORTRAIT_FACES.a, mask: null, spec: requireSpecProfile(loadSpecProfiles(), 'xuexin') });
    const photos = join(dataDir, 'photos', DEMO_TASK_CODE);
    mkdirSync(photos, { recursive: true });
    const originalSource = join(photos, 'original-source.jpg');
    const original = bigOriginals ? Buffer.concat([portrait, randomBytes(5 * 1024 * 1024 - portrait.length)]) : portrait;
    writeFileSync(originalSource, original);
    const originalSha = createHash('sha256').update(original).digest('hex');
    const ids = ctx.db.prepare('SELECT id FROM students WHERE task_code = ? ORDER BY id').pluck().all(DEMO_TASK_CODE) as string[];
    const now = ctx.now().toISOString();
    let finishedBytes = 0;
    ctx.db.transaction(() => {
      ids.forEach((studentId, i) => {
        const orderId = `bench-order-${String(i).padStart(5, '0')}`;
        const captureId = `bench-capture-${String(i).padStart(5, '0')}`;
        const text = Buffer.from(`cc-bench-${i}`);
        const seg = Buffer.alloc(4);
        seg.writeUInt16BE(0xfffe, 0);
        seg.writeUInt16BE(text.length + 2, 2);
        const jpeg = Buffer.concat([finished.jpeg.subarray(0, 2), seg, text, finished.jpeg.subarray(2)]);
        const finishedPath = join(photos, `${orderId}.jpg`);
        writeFileSync(finishedPath, jpeg);
        finishedBytes += jpeg.length;
        const originalPath = join(photos, `${orderId}-original.jpg`);
        linkSync(originalSource, originalPath);
        insertCheckedInOrder(ctx.db, { id: orderId, task_code: DEMO_TASK_CODE, student_id: studentId, reservation_id: null, operator_id: 'op-photo-1', station_id: ctx.stationId, needs_match: 0 }, now);
        insertCapture(ctx.db, { id: captureId, order_id: orderId, original_path: originalPath, sha256: originalSha, camera: 'uvc', taken_at: now, width: 874, height: 1200 });
        setCaptureResult(ctx.db, captureId, {
          finished_path: finishedPath,
          finished_sha256: createHash('sha256').update(jpeg).digest('hex'),
          verdict_status: 'pass',
          still_checks: JSON.stringify({ specId: 'xuexin', status: 'pass', checks: [] }),
          face: null,
        });
        acceptCaptureForOrder(ctx.db, { id: orderId, captureId, finishedPath, checks: JSON.stringify({ specId: 'xuexin', status: 'pass', checks: [] }), operatorId: 'op-photo-1', now });
      });
    })();
    return { finishedBytes, originalBytes: original.length * ids.length };
  } finally {
    await ctx.close();
  }
}
