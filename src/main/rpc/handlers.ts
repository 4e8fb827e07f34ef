import { AppError } from '../../shared/errors.js';
import { studentViewHandlers } from './studentViewHandlers.js';
import { cameraSettingsHandlers } from '../camera/cameraSettingsHandlers.js';
import { writeAudit } from '../db/queries/audit.js';
import { acceptCapture, addStill, analysisImage, captureThumbnail, finishCapture, listCaptures, prepareFinish, specForTask, takePreparedFinish } from '../capture/captureService.js';
import { analysisJpeg } from '../imaging/stillToRgba.js';
import { grantAnalysis, grantMedia, grantThumbnail, mediaKeyFor, releaseAnalysis, takeMask } from '../web/stillMedia.js';
import { correctStudent } from '../checkin/correctStudent.js';
import { admissionView, importAdmissionFolder } from '../faceMatch/admissionPhotos.js';
import { ensureCaptureMatch } from '../faceMatch/captureMatch.js';
import { getOrder } from '../db/queries/orders.js';
import { getCapture } from '../db/queries/captures.js';
import type { CameraService } from '../camera/cameraService.js';
import type { StationSync } from '../sync/stationSync.js';
import { listRetakes } from '../db/queries/syncMirror.js';
import { findByFeatureCode } from '../checkin/featureCodeLookup.js';
import { findByLastFour } from '../checkin/lastFourLookup.js';
import { registerWalkin } from '../checkin/registerWalkin.js';
import { resolveScan } from '../checkin/resolveScan.js';
import { scanImage } from '../checkin/scanImage.js';
import { importRosterFile } from '../roster/importRoster.js';
import { printServiceFor } from '../printing/printService.js';
import { managerHandlers } from '../report/managerHandlers.js';
import type { Operator } from '../../shared/domain/entities.js';
import type { AppContext, Session } from '../services/AppContext.js';
import { login, logout } from '../services/auth.js';
import { confirmCheckin } from '../services/checkin.js';
import { listOrders } from '../services/orders.js';
import { voidOrder, withdrawOrder } from '../services/orderLifecycle.js';
import { getStudentCard } from '../services/studentCard.js';
import { searchStudentSummaries } from '../services/studentSearch.js';
import { installUpdate, updateStatus, type UpdaterSlot } from '../services/updatesService.js';
import { listTaskSummaries } from '../services/tasks.js';
import type { Handlers } from './router.js';

function requireOperator(session: Session): Operator {
  if (!session.operator) throw new AppError('UNAUTHENTICATED');
  return session.operator;
}

/** Maps every contract procedure onto the services; the router has already checked access and input. */
export function createHandlers(ctx: AppContext & { camera: CameraService; sync: StationSync; updates: UpdaterSlot }, transport: 'electron' | 'websocket'): Handlers {
  // Printing: one queue per station, started here so a crash's leftover jobs are picked up at start.
  const printing = printServiceFor(ctx, { serverUrl: () => ctx.sync.status().serverUrl });
  return {
    'app.info': () => ({ version: ctx.version, stationId: ctx.stationId, stationName: ctx.stationName, transport, demo: ctx.demo }),
    'auth.login': async ({ pin }, session) => ({ operator: await login(ctx, session, pin) }),
    'auth.logout': (_input, session) => {
      logout(ctx, session);
      return { ok: true as const };
    },
    'auth.me': (_input, session) => ({ operator: session.operator }),
    'tasks.list': () => ({ tasks: listTaskSummaries(ctx) }),
    'students.search': ({ taskCode, query }) => searchStudentSummaries(ctx, taskCode, query),
    'students.get': ({ taskCode, studentId }) => ({ student: getStudentCard(ctx, taskCode, studentId) }),
    'checkin.confirm': ({ taskCode, studentId, overrideReason }, session) =>
      confirmCheckin(ctx, requireOperator(session), taskCode, studentId, overrideReason ?? null),
    'checkin.scan': ({ taskCode, text }) => ({ outcome: resolveScan(ctx, taskCode, text) }),
    'checkin.scanImage': ({ taskCode, contentBase64 }) => scanImage(ctx, taskCode, Buffer.from(contentBase64, 'base64')),
    'checkin.featureCode': ({ taskCode, idLast4, featureCode }) => ({ students: findByFeatureCode(ctx, taskCode, idLast4, featureCode) }),
    'checkin.lastFour': ({ taskCode, idLast4 }) => findByLastFour(ctx, taskCode, idLast4),
    'checkin.walkin': (input, session) => registerWalkin(ctx, requireOperator(session), input),
    'students.correct': (input, session) => {
      const { changed } = correctStudent(ctx, requireOperator(session), input);
      return { student: getStudentCard(ctx, input.taskCode, input.studentId), changed };
    },
    'capture.begin': ({ orderId }) => {
      const order = getOrder(ctx.db, orderId);
      if (!order) throw new AppError('NOT_FOUND', { zh: '没有这个订单', en: 'No such order' });
      ctx.camera.activate(orderId);
      return { spec: specForTask(ctx, order.task_code), studentId: order.student_id, status: order.status, captures: listCaptures(ctx, orderId) };
    },
    'media.session': (_input, session) => ({ key: mediaKeyFor(ctx, session) }),
    'capture.stillAnalysis': ({ captureId }, session) => grantAnalysis(ctx, session, captureId),
    'capture.prepareFinish': async ({ captureId, face, mask }, session) => {
      const uploaded = takeMask(ctx, session, captureId);
      if (mask && !uploaded) throw new AppError('BAD_INPUT', { zh: '人像分割数据未上传或已过期，请重拍', en: 'The person mask was not uploaded (or expired); retake' });
      await prepareFinish(ctx, captureId, face, uploaded);
      return { ok: true as const };
    },
    'capture.finishShot': async ({ captureId, face, mask, verdict }, session) => {
      const uploaded = takeMask(ctx, session, captureId);
      // A mask uploaded now wins over a finish prepared from an earlier one.
      const source = uploaded ?? takePreparedFinish(ctx, captureId, face, mask);
      if (mask && !source) throw new AppError('BAD_INPUT', { zh: '人像分割数据未上传或已过期，请重拍', en: 'The person mask was not uploaded (or expired); retake' });
      const r = await finishCapture(ctx, captureId, face, source, verdict);
      releaseAnalysis(ctx, session, captureId);
      const jpeg = r.finishedJpeg;
      const finishedUrl = jpeg ? grantMedia(ctx, session, 'finished', captureId, () => Promise.resolve(jpeg)) : null;
      return { captureId, finishedUrl, verdict: r.verdict, bytes: r.bytes, quality: r.quality, withinBounds: r.withinBounds };
    },
    'capture.photoUrl': ({ captureId, which }, session) => ({ url: grantThumbnail(ctx, session, captureId, which) }),
    'camera.heldUrl': async ({ heldId }, session) => {
      // The preview is made now, so a missing shot is said on the RPC (bilingually), not as a broken image.
      const jpeg = await ctx.camera.heldPreview(heldId);
      return { url: grantMedia(ctx, session, 'held', heldId, () => Promise.resolve(jpeg)) };
    },
    'capture.submitStill': ({ orderId, camera, imageBase64 }) => addStill(ctx, orderId, Buffer.from(imageBase64, 'base64'), camera),
    'capture.analysisImage': async ({ captureId }) => {
      // The kiosk reads the copy raw by URL; RPC-only scripts and tests get it as the JPEG it once was.
      const a = await analysisImage(ctx, captureId);
      return { jpegBase64: (await analysisJpeg(a.rgb, a.width, a.height)).toString('base64'), width: a.width, height: a.height, scale: a.scale };
    },
    'capture.finish': async ({ captureId, face, maskPngBase64, verdict }) => {
      const r = await finishCapture(ctx, captureId, face, maskPngBase64 ? Buffer.from(maskPngBase64, 'base64') : null, verdict);
      return { captureId, finishedJpegBase64: r.finishedJpeg?.toString('base64') ?? null, verdict: r.verdict, bytes: r.bytes, quality: r.quality, withinBounds: r.withinBounds };
    },
    'capture.accept': async ({ orderId, captureId, overrides, faceMatchReason }, session) => {
      const operator = requireOperator(session);
      // The comparison with the admission photo is made (or read from its cache) before the
      // acceptance's transaction, which then records it on the order.
      const c = getCapture(ctx.db, captureId);
      if (c?.order_id === orderId && c.still_checks) await ensureCaptureMatch(ctx, captureId);
      const accepted = acceptCapture(ctx, operator, orderId, captureId, overrides, faceMatchReason ?? null);
      // Accepted: later shots from the camera are not this student's.
      ctx.camera.deactivate(orderId);
      return accepted;
    },
    'orders.void': ({ orderId, reason }, session) => voidOrder(ctx, requireOperator(session), orderId, reason),
    'orders.withdraw': ({ orderId, reason }, session) => withdrawOrder(ctx, requireOperator(session), orderId, reason),
    'capture.end': ({ orderId }) => {
      ctx.camera.deactivate(orderId);
      return { ok: true as const };
    },
    'camera.get': () => ctx.camera.getState(),
    'camera.set': async ({ kind, hotFolder, dslr }, session) => {
      const state = await ctx.camera.configure(kind, hotFolder, dslr);
      writeAudit(ctx.db, { at: ctx.now().toISOString(), operatorId: session.operator?.id ?? null, action: 'settings.camera', detail: { kind, hotFolder, ...(dslr ? { dslr } : {}) } });
      return state;
    },
    'camera.trigger': ({ orderId }) => ctx.camera.trigger(orderId),
    // ---- DSLR tethering (issue 8) ----
    'camera.liveView': ({ on }) => ctx.camera.setLiveView(on),
    'camera.detect': async () => ({ cameras: await ctx.camera.detect() }),
    'camera.held': () => ({ held: ctx.camera.listHeld() }),
    'camera.heldImage': async ({ heldId }) => ({ jpegBase64: (await ctx.camera.heldPreview(heldId)).toString('base64') }),
    'camera.assignHeld': ({ heldId, orderId, reason }, session) => ctx.camera.assignHeld(requireOperator(session), heldId, orderId, reason),
    'camera.discardHeld': async ({ heldId, reason }, session) => {
      await ctx.camera.discardHeld(requireOperator(session), heldId, reason);
      return { ok: true as const };
    },
    // ---- end DSLR tethering ----
    'capture.list': ({ orderId }) => ({ captures: listCaptures(ctx, orderId) }),
    'capture.thumbnail': async ({ captureId, which }) => ({ jpegBase64: (await captureThumbnail(ctx, captureId, which)).toString('base64') }),
    'orders.list': ({ taskCode, date }) => ({ orders: listOrders(ctx, taskCode, date) }),
    'sync.status': () => ctx.sync.status(),
    'sync.enrol': ({ serverUrl, code }, session) => ctx.sync.enrol(serverUrl, code, session.operator),
    'sync.now': () => {
      ctx.sync.kick({ pull: true });
      return { ok: true as const };
    },
    'sync.retryParked': (_input, session) => ({ requeued: ctx.sync.retryParked(requireOperator(session)) }),
    'retakes.list': ({ taskCode }) => ({
      retakes: listRetakes(ctx.db, taskCode).map((r) => ({
        orderId: r.order_id,
        studentId: r.student_id,
        name: r.student_name,
        studentNo: r.student_no,
        idMasked: r.id_masked,
        department: r.department,
        reason: r.reason,
        decidedAt: r.decided_at,
      })),
    }),
    // ---- face match (录取照片比对) ----
    'faceMatch.admission': ({ studentId }) => admissionView(ctx, studentId),
    'faceMatch.capture': async ({ captureId }) => ({ match: await ensureCaptureMatch(ctx, captureId) }),
    'faceMatch.importFolder': async ({ taskCode, folder }, session) => {
      const { folder: _folder, ...report } = await importAdmissionFolder(ctx, requireOperator(session), taskCode, folder);
      return report;
    },
    // ---- end face match ----
    // ---- printing (issue 9) ----
    'print.options': () => printing.options(),
    'print.printers': () => printing.printers(),
    'print.previewSheet': (input) => printing.previewSheet(input),
    'print.previewReceipt': ({ orderId, paperId }) => printing.previewReceipt(orderId, paperId),
    'print.submit': async (input, session) => ({ job: await printing.submit(requireOperator(session), input) }),
    'print.jobs': ({ orderId }) => ({ jobs: printing.jobs(orderId) }),
    'print.retry': async ({ jobId, printer, tray }, session) => ({ job: await printing.retry(requireOperator(session), jobId, printer, tray) }),
    'print.cancel': async ({ jobId }, session) => ({ job: await printing.cancel(requireOperator(session), jobId) }),
    'print.orderPrints': ({ orderId }) => ({ prints: printing.orderPrints(orderId) }),
    'print.setOrderPrints': ({ orderId, prints }, session) => ({ prints: printing.setOrderPrints(requireOperator(session), orderId, prints) }),
    // ---- end printing ----
    // ---- site manager (issue 7) ----
    ...managerHandlers(ctx),
    ...studentViewHandlers(ctx),
    ...cameraSettingsHandlers(ctx),
    // ---- app version and updates (issue 16) ----
    'updates.status': () => updateStatus(ctx),
    'updates.install': (_input, session) => installUpdate(ctx, requireOperator(session)),
    'roster.import': async ({ taskCode, fileName, contentBase64 }, session) => ({
      report: await importRosterFile(ctx, session.operator, taskCode, fileName, Buffer.from(contentBase64, 'base64')),
    }),
  };
}
