import { z } from 'zod';
import { StudentViewPublish, StudentViewState } from '../studentView.js';
import { Operator, OrderRow, RosterImportReport, StudentCard, StudentSummary, TaskCode, TaskSummary } from '../domain/entities.js';
import { OrderStatus } from '../domain/status.js';
import { TaskRights } from '../domain/taskRights.js';
import { CodeKindSchema } from '../checkin/codeKind.js';
import { FEATURE_CODE_MAX_LENGTH } from '../checkin/taskRules.js';
import { ScanOutcome, ScanSource } from '../checkin/scanOutcome.js';
import { CorrectionInput, Reason, WalkinInput } from '../checkin/studentEdits.js';
import { CheckId, SpecProfile } from '../spec/specProfile.js';
import { CheckStatus, FaceGeometrySchema, Verdict } from '../vision/verdict.js';
import { SyncStatus } from '../sync/syncStatus.js';
import { FaceIssue, FaceMatchView } from '../faceMatch/decision.js';
import { OrderPrintRequest, OrderPrints, PrintBackground } from '../print/printSchema.js';
import { Bilingual as PrintBilingual, PrinterInfo, PrintJob, PrintJobKind, PrintOptions } from '../print/printTypes.js';
import { ExportDestination, ExportFinished, ExportPlanSummary, ExportProgress, ExportRequest, ExportStatus, IsoDate } from '../export/exportTypes.js';
import { AuditEntryView, LockState, ReportRange, StationSettings } from '../report/managerTypes.js';
import { DayReport } from '../report/reportTypes.js';
import { ReconcileReport } from '../report/reconcileTypes.js';
import { UpdateStatus } from '../updates/updateStatus.js';

/** Who may call a procedure: anyone on the transport, any logged-in operator, or a site manager only. */
export type Access = 'public' | 'operator' | 'manager';

export interface ProcedureDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  access: Access;
}

function proc<I extends z.ZodType, O extends z.ZodType>(access: Access, input: I, output: O): ProcedureDef<I, O> {
  return { input, output, access };
}

const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });

/** Operator PINs: 4–8 digits. The login screen checks the same schema before sending. */
export const Pin = z.string().regex(/^\d{4,8}$/, 'PIN 为 4–8 位数字');
export const SEARCH_QUERY_MAX = 64;

/** Longer than any QR payload a phone can show; a keyboard-wedge burst is cut here too. */
export const SCAN_TEXT_MAX = 4096;
/** A saved 采集码 PNG is ~50 KB and a phone screenshot a few MB; 12 MB of image is plenty. */
export const MAX_IMAGE_BASE64 = 16_000_000;

/** A webcam still (≤ 4K) is a few MB; DSLR stills come through the hot folder, not the socket. */
export const MAX_STILL_BASE64 = 28_000_000;

const OrderId = z.string().min(1).max(64);
const CaptureId = z.string().min(1).max(64);
export const CaptureSummary = z.object({
  id: z.string(),
  takenAt: z.string(),
  camera: z.string(),
  verdictStatus: CheckStatus.nullable(),
  finished: z.boolean(),
  /** The stored verdict, so a screen opened again shows earlier shots as they were judged. */
  verdict: Verdict.nullable(),
  /** Taken before the order was rejected in review: it can never be accepted for this order again. */
  beforeRejection: z.boolean(),
  /** The reviewer's reason, on the shot that was rejected. */
  rejectedReason: z.string().nullable(),
});
// ---- DSLR tethering (issue 8): a camera on USB driven through gphoto2 ----
/** Which tethered camera, where its shots go, and how often live view is renewed before the body's own timer ends it. */
export const DslrSettings = z
  .object({
    model: z.string().trim().min(1).max(120).nullable(),
    port: z.string().trim().regex(/^[a-z]+:[\w,.:/-]{0,60}$/).nullable(),
    captureTarget: z.enum(['card', 'pc']),
    keepAliveMinutes: z.number().int().min(0).max(29),
  })
  .strict();
export const DslrFault = z.object({
  code: z.string(),
  severity: z.enum(['info', 'warn', 'error']),
  zh: z.string(),
  en: z.string(),
  at: z.string(),
});
export const DslrStatus = z.object({
  phase: z.enum(['searching', 'absent', 'idle', 'liveview', 'capturing']),
  model: z.string().nullable(),
  port: z.string().nullable(),
  liveView: z.enum(['off', 'starting', 'on', 'unsupported', 'refused']),
  fault: DslrFault.nullable(),
  freeImages: z.number().int().nullable(),
  /** How a camera being plugged in is noticed (issue 17): USB events, or polling (and why). */
  hotplug: z.object({ source: z.enum(['usb', 'polling']), zh: z.string(), en: z.string() }).optional(),
  settings: DslrSettings,
});
// ---- DSLR camera settings (issue 17) ----
/** The settings a photographer sets on a tethered body from the station (libgphoto2 names them per maker). */
export const DSLR_SETTING_KEYS = ['iso', 'aperture', 'shutterSpeed', 'whiteBalance', 'imageQuality', 'focusMode', 'captureTarget'] as const;
export const DslrSettingKey = z.enum(DSLR_SETTING_KEYS);
export const DslrCameraSetting = z.object({ key: DslrSettingKey, value: z.string(), choices: z.array(z.string()), readonly: z.boolean() });
const DslrSettingValue = z.string().trim().min(1).max(40);
export const DslrPreset = z
  .object({ name: z.string().trim().min(1).max(60), values: z.partialRecord(DslrSettingKey, DslrSettingValue) })
  .strict();
/** One setting of a preset as the body took it, or the body's refusal in words. */
export const DslrApplyResult = z.object({ key: DslrSettingKey, value: z.string(), ok: z.boolean(), zh: z.string().nullable(), en: z.string().nullable() });
// ---- end DSLR camera settings ----
/** A shot that arrived when it could not be filed (no student, or the next one already checked in): kept for the photographer. */
export const HeldShot = z.object({
  id: z.string(),
  source: z.string(),
  camera: z.string(),
  heldAt: z.string(),
  /** Why it was not filed: nobody was being photographed, or the next student had been checked in. */
  reason: z.enum(['no-student', 'next-student', 'restart']),
  bytes: z.number().int(),
});
const HeldShotId = z.string().regex(/^h-[0-9a-f-]{36}$/);
/** Live-view frames are capped well above a DSLR's live-view JPEG (~50–300 KB). */
export const MAX_LIVE_FRAME_BASE64 = 4_000_000;
// ---- end DSLR tethering ----
export const CAMERA_KINDS = ['uvc', 'hotfolder', 'simulated', 'gphoto2'] as const;
export const CameraState = z.object({
  kind: z.enum(CAMERA_KINDS),
  /** ready: shots can arrive; absent: the hot folder (or its drive, or the tethered camera) is not there. */
  state: z.enum(['ready', 'absent']),
  hotFolder: z.string().nullable(),
  /** Only for the tethered DSLR (kind gphoto2). */
  dslr: DslrStatus.optional(),
});


/** 20 MB of base64 is far above any real roster (300 students ≈ 40 KB) and keeps a stray upload bounded. */
export const MAX_UPLOAD_BASE64 = 28_000_000;

/** Printing ids: papers, layouts (see src/shared/print/printSchema.ts), jobs and CUPS queue names. */
const PrintRef = z.string().regex(/^[a-z0-9-]{2,40}$/);
const PrintJobId = z.string().regex(/^pj-[0-9a-f]{24}$/);
const PrinterName = z.string().regex(/^[^\s/#\\"'@]{1,127}$/);

/** One line of a 散排 check-in list: enough for the student to say "that is me", not a stranger's full name. */
export const LastFourMatch = z.object({
  studentId: z.string(),
  maskedName: z.string(),
  studentNo: z.string().nullable(),
  department: z.string().nullable(),
  orderStatus: OrderStatus.nullable(),
});
export type LastFourMatch = z.infer<typeof LastFourMatch>;

/**
 * Every call from the renderer to the main side, declared once. The router in src/main implements
 * exactly these; the Electron IPC and WebSocket transports both carry them unchanged.
 */
export const contract = {
  'app.info': proc(
    'public',
    Empty,
    z.object({ version: z.string(), stationId: z.string(), stationName: z.string(), transport: z.enum(['electron', 'websocket']), demo: z.boolean() }),
  ),
  'auth.login': proc('public', z.object({ pin: Pin }).strict(), z.object({ operator: Operator })),
  'auth.logout': proc('public', Empty, Ok),
  'auth.me': proc('public', Empty, z.object({ operator: Operator.nullable() })),
  'tasks.list': proc('operator', Empty, z.object({ tasks: z.array(TaskSummary) })),
  'students.search': proc(
    'operator',
    z.object({ taskCode: TaskCode, query: z.string().trim().min(1).max(SEARCH_QUERY_MAX) }).strict(),
    z.object({ students: z.array(StudentSummary), truncated: z.boolean() }),
  ),
  'students.get': proc('operator', z.object({ taskCode: TaskCode, studentId: z.string().min(1).max(64) }).strict(), z.object({ student: StudentCard })),
  'checkin.confirm': proc(
    'operator',
    z
      .object({
        taskCode: TaskCode,
        studentId: z.string().min(1).max(64),
        /** Required when the student's reservation was cancelled; audited. */
        overrideReason: Reason.optional(),
      })
      .strict(),
    z.object({ orderId: z.string(), status: OrderStatus, alreadyCheckedIn: z.boolean() }),
  ),
  'checkin.scan': proc(
    'operator',
    z.object({ taskCode: TaskCode, text: z.string().min(1).max(SCAN_TEXT_MAX), source: ScanSource }).strict(),
    z.object({ outcome: ScanOutcome }),
  ),
  'checkin.scanImage': proc(
    'operator',
    z.object({ taskCode: TaskCode, fileName: z.string().min(1).max(255), contentBase64: z.base64().max(MAX_IMAGE_BASE64) }).strict(),
    z.object({
      found: z.boolean(),
      kind: CodeKindSchema.nullable(),
      outcome: ScanOutcome.nullable(),
      /** Only for an unmatched 学信网 code: the renderer needs it to register the student as 待识别. */
      pendingCode: z.string().nullable(),
    }),
  ),
  'checkin.featureCode': proc(
    'operator',
    z
      .object({
        taskCode: TaskCode,
        idLast4: z.string().trim().regex(/^\d{3}[\dXx]$/, '身份证后四位：3 位数字加 1 位数字或 X'),
        /** The format is the task's (4, 6, 24 characters…): the service checks it and says which. */
        featureCode: z.string().trim().min(1, '请输入特征码').max(FEATURE_CODE_MAX_LENGTH, `特征码最多 ${FEATURE_CODE_MAX_LENGTH} 位`),
      })
      .strict(),
    z.object({ students: z.array(StudentSummary) }),
  ),
  /** 散排 tasks: ID last 4 alone lists the matches, masked, for the photographer to choose from. */
  'checkin.lastFour': proc(
    'operator',
    z.object({ taskCode: TaskCode, idLast4: z.string().trim().regex(/^\d{3}[\dXx]$/, '身份证后四位：3 位数字加 1 位数字或 X') }).strict(),
    z.object({ matches: z.array(LastFourMatch), truncated: z.boolean() }),
  ),
  'checkin.walkin': proc('operator', WalkinInput, z.object({ studentId: z.string(), orderId: z.string() })),
  'students.correct': proc('operator', CorrectionInput, z.object({ student: StudentCard, changed: z.array(z.string()) })),
  // ---- the student's screen (issue 15): the capture screen publishes, a second window shows ----
  /** The photographer's capture screen says what the student should see now. */
  'studentView.publish': proc('operator', StudentViewPublish, z.object({ ok: z.literal(true) })),
  /** A student window (the same secret, nobody logged in) asks for the view now and the events after. */
  'studentView.attach': proc('public', Empty, StudentViewState),
  /** The finished photo now published for the student to confirm (none when none is): nothing else. */
  'studentView.photo': proc('public', Empty, z.object({ jpegBase64: z.string().nullable() })),
  /** The student confirms the photo shown (a key or a click at their screen): recorded on the order. */
  'studentView.confirm': proc('public', z.object({ captureId: z.string().min(1).max(64) }).strict(), StudentViewState),
  'capture.begin': proc(
    'operator',
    z.object({ orderId: OrderId }).strict(),
    z.object({ spec: SpecProfile, studentId: z.string(), status: OrderStatus, captures: z.array(CaptureSummary) }),
  ),
  // ---- stills by URL (issue 18): the kiosk's renderer sends and fetches images as bytes on a local
  // URL (src/main/web/stillMedia.ts) and only ids cross here. submitStill / analysisImage / finish
  // below stay for scripts and tests that drive the station over RPC alone. ----
  /** This session's bearer key for the still URLs (dropped with the session): an operator's, or a student display's (its one photo). */
  'media.session': proc('public', Empty, z.object({ key: z.string() })),
  /** The oriented analysis copy is made and held for this session: fetch it at `url`. */
  'capture.stillAnalysis': proc(
    'operator',
    z.object({ captureId: CaptureId }).strict(),
    z.object({ url: z.string(), width: z.number().int(), height: z.number().int(), scale: z.number() }),
  ),
  /**
   * Finishes the photo from the face and the mask (PUT beforehand when `mask: true`) while the
   * renderer's checks still run, and holds it for capture.finishShot with the same face; answers
   * when it is made (or with why it cannot be: the same errors as capture.finishShot).
   */
  'capture.prepareFinish': proc('operator', z.object({ captureId: CaptureId, face: FaceGeometrySchema, mask: z.boolean() }).strict(), z.object({ ok: z.literal(true) })),
  /** As capture.finish, with the mask PUT to /media/mask/<captureId> beforehand (`mask: true`) and the finished photo at `finishedUrl`. */
  'capture.finishShot': proc(
    'operator',
    z.object({ captureId: CaptureId, face: FaceGeometrySchema.nullable(), mask: z.boolean(), verdict: Verdict }).strict(),
    z.object({
      captureId: z.string(),
      finishedUrl: z.string().nullable(),
      verdict: Verdict,
      bytes: z.number().int().nullable(),
      quality: z.number().int().nullable(),
      withinBounds: z.boolean(),
    }),
  ),
  /** A shot's thumbnail (the finished photo when there is one) by URL, for the strip of shots. */
  'capture.photoUrl': proc('operator', z.object({ captureId: CaptureId, which: z.enum(['finished', 'original']) }).strict(), z.object({ url: z.string() })),
  /** A held DSLR shot's preview by URL (camera.heldImage's bytes). */
  'camera.heldUrl': proc('operator', z.object({ heldId: HeldShotId }).strict(), z.object({ url: z.string() })),
  /** The photo published on the student's screen, by URL for that display (studentView.photo's bytes); null when none is. */
  'studentView.photoUrl': proc('public', Empty, z.object({ url: z.string().nullable() })),
  'capture.submitStill': proc(
    'operator',
    z.object({ orderId: OrderId, camera: z.enum(CAMERA_KINDS), imageBase64: z.base64().max(MAX_STILL_BASE64) }).strict(),
    z.object({ captureId: z.string(), width: z.number().int(), height: z.number().int() }),
  ),
  'capture.analysisImage': proc(
    'operator',
    z.object({ captureId: CaptureId }).strict(),
    z.object({ jpegBase64: z.string(), width: z.number().int(), height: z.number().int(), scale: z.number() }),
  ),
  'capture.finish': proc(
    'operator',
    z
      .object({
        captureId: CaptureId,
        /** In the analysis image's pixels. */
        face: FaceGeometrySchema.nullable(),
        maskPngBase64: z.base64().max(8_000_000).nullable(),
        verdict: Verdict,
      })
      .strict(),
    z.object({
      captureId: z.string(),
      finishedJpegBase64: z.string().nullable(),
      verdict: Verdict,
      bytes: z.number().int().nullable(),
      quality: z.number().int().nullable(),
      withinBounds: z.boolean(),
    }),
  ),
  'capture.accept': proc(
    'operator',
    z
      .object({
        orderId: OrderId,
        captureId: CaptureId,
        overrides: z.array(z.object({ checkId: CheckId, reason: Reason }).strict()).max(32),
        /** The photographer confirmed the student's identity although the face comparison did not pass. */
        faceMatchReason: Reason.optional(),
      })
      .strict(),
    z.object({ revision: z.number().int() }),
  ),
  'capture.end': proc('operator', z.object({ orderId: OrderId }).strict(), Ok),
  'camera.get': proc('operator', Empty, CameraState),
  'camera.set': proc(
    'manager',
    z.object({ kind: z.enum(CAMERA_KINDS), hotFolder: z.string().trim().min(1).max(1024).nullable(), dslr: DslrSettings.optional() }).strict(),
    CameraState,
  ),
  /** The simulated camera shoots on request (the next demo photo); real cameras shoot by themselves. */
  'camera.trigger': proc('operator', z.object({ orderId: OrderId }).strict(), z.object({ captureId: z.string() })),
  // ---- DSLR tethering (issue 8) ----
  /** The capture screen wants the tethered camera's live view (renewed every few seconds; it lapses after 15 s unrenewed). */
  'camera.liveView': proc('operator', z.object({ on: z.boolean() }).strict(), CameraState),
  /** Cameras on USB now, for the settings (a site manager picks one). */
  'camera.detect': proc('manager', Empty, z.object({ cameras: z.array(z.object({ model: z.string(), port: z.string() })) })),
  /** Shots kept because they could not be filed: the photographer assigns each to the student in front of the camera, or a manager discards it. */
  'camera.held': proc('operator', Empty, z.object({ held: z.array(HeldShot) })),
  'camera.heldImage': proc('operator', z.object({ heldId: HeldShotId }).strict(), z.object({ jpegBase64: z.string() })),
  /** Files a held shot to the order being photographed now (it must be the current capture); audited. */
  'camera.assignHeld': proc('operator', z.object({ heldId: HeldShotId, orderId: OrderId, reason: Reason }).strict(), z.object({ captureId: z.string() })),
  'camera.discardHeld': proc('manager', z.object({ heldId: HeldShotId, reason: Reason }).strict(), Ok),
  // ---- end DSLR tethering ----
  // ---- DSLR camera settings (issue 17) ----
  /** The tethered body's settings with their allowed values; unavailable (and why) without the in-process driver or a camera. */
  'camera.dslrSettings': proc(
    'operator',
    Empty,
    z.object({ available: z.boolean(), zh: z.string().nullable(), en: z.string().nullable(), settings: z.array(DslrCameraSetting), lastApplied: z.array(DslrApplyResult) }),
  ),
  /** A photographer only where the task allows it (that of the order on the capture screen, or the named one; named neither, every task here must allow it). */
  'camera.setDslrSetting': proc('operator', z.object({ key: DslrSettingKey, value: DslrSettingValue, taskCode: TaskCode.optional(), orderId: OrderId.optional() }).strict(), DslrApplyResult),
  /** Presets of a task (e.g. 室内蓝布 + 闪光灯 1/125 f/8 ISO100) and which one the station applies on every connect. */
  // The task is named, or is that of the order on the capture screen.
  // The task's rights come along so the panel offers its controls only to whom the task lets set the camera.
  'camera.dslrPresets': proc(
    'operator',
    z.object({ taskCode: TaskCode.optional(), orderId: OrderId.optional() }).strict(),
    z.object({ taskCode: z.string(), presets: z.array(DslrPreset), active: z.string().nullable(), rights: TaskRights }),
  ),
  'camera.saveDslrPreset': proc('manager', z.object({ taskCode: TaskCode.optional(), orderId: OrderId.optional(), preset: DslrPreset }).strict(), z.object({ presets: z.array(DslrPreset) })),
  /** As setDslrSetting: a photographer only where the task allows setting the camera. */
  'camera.applyDslrPreset': proc('operator', z.object({ taskCode: TaskCode.optional(), orderId: OrderId.optional(), name: z.string().trim().min(1).max(60) }).strict(), z.object({ results: z.array(DslrApplyResult) })),
  // ---- end DSLR camera settings ----
  'capture.list': proc('operator', z.object({ orderId: OrderId }).strict(), z.object({ captures: z.array(CaptureSummary) })),
  'capture.thumbnail': proc(
    'operator',
    z.object({ captureId: CaptureId, which: z.enum(['finished', 'original']) }).strict(),
    z.object({ jpegBase64: z.string() }),
  ),
  'orders.list': proc(
    'operator',
    z.object({ taskCode: TaskCode, date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }).strict(),
    z.object({ orders: z.array(OrderRow) }),
  ),
  /** 已作废 with a reason (site manager): photos kept aside, never exported or printed; the student may check in again. */
  'orders.void': proc('manager', z.object({ orderId: OrderId, reason: Reason }).strict(), z.object({ revision: z.number().int() })),
  /** 撤回审核 with a reason (site manager, or a photographer where the order's task allows it: the handler decides, FORBIDDEN naming the task's rule otherwise): back to capture for a new photo, unless a reviewer has decided by the time it reaches the server. */
  'orders.withdraw': proc('operator', z.object({ orderId: OrderId, reason: Reason }).strict(), z.object({ revision: z.number().int() })),
  'roster.import': proc(
    'manager',
    z
      .object({
        taskCode: TaskCode,
        fileName: z.string().min(1).max(255),
        contentBase64: z.base64().max(MAX_UPLOAD_BASE64),
      })
      .strict(),
    z.object({ report: RosterImportReport }),
  ),
  // ---- face match (录取照片比对): admission photos and the comparison of a shot with them ----
  /** The student's admission photo for the card (a small JPEG), or present: false. */
  'faceMatch.admission': proc(
    'operator',
    z.object({ studentId: z.string().min(1).max(64) }).strict(),
    z.object({
      present: z.boolean(),
      photoJpegBase64: z.string().nullable(),
      issues: z.array(FaceIssue),
      faceFound: z.boolean(),
      source: z.enum(['folder', 'sync']).nullable(),
      importedAt: z.string().nullable(),
    }),
  ),
  /** A finished shot compared with the admission photo (computed once, then cached); null match: no admission photo (未比对). */
  'faceMatch.capture': proc('operator', z.object({ captureId: CaptureId }).strict(), z.object({ match: FaceMatchView.nullable() })),
  /** Imports a folder on this station of photos named by ID number or 学号. */
  'faceMatch.importFolder': proc(
    'manager',
    z.object({ taskCode: TaskCode, folder: z.string().trim().min(1).max(1024) }).strict(),
    z.object({
      files: z.number().int(),
      imported: z.array(
        z.object({ file: z.string(), studentId: z.string(), studentName: z.string(), matchedBy: z.enum(['idNumber', 'studentNo']), faceFound: z.boolean(), issues: z.array(FaceIssue), replaced: z.boolean() }),
      ),
      unchanged: z.array(z.object({ file: z.string(), studentName: z.string() })),
      unknown: z.array(z.string()),
      ambiguous: z.array(z.string()),
      failed: z.array(z.object({ file: z.string(), code: z.string(), zh: z.string(), en: z.string() })),
    }),
  ),
  // ---- end face match ----
  // ---- sync with the central server ----
  'sync.status': proc('operator', Empty, SyncStatus),
  /** Enrol this station with a one-time code from the server admin. */
  'sync.enrol': proc('manager', z.object({ serverUrl: z.string().trim().min(1).max(300), code: z.string().trim().min(6).max(64) }).strict(), SyncStatus),
  'sync.now': proc('operator', Empty, Ok),
  'sync.retryParked': proc('manager', Empty, z.object({ requeued: z.number().int() })),
  /** Students the central review rejected (被驳回), with the reason: to photograph again. */
  'retakes.list': proc(
    'operator',
    z.object({ taskCode: TaskCode }).strict(),
    z.object({
      retakes: z.array(
        z.object({
          orderId: z.string(),
          studentId: z.string(),
          name: z.string(),
          studentNo: z.string().nullable(),
          idMasked: z.string().nullable(),
          department: z.string().nullable(),
          reason: z.string().nullable(),
          decidedAt: z.string().nullable(),
        }),
      ),
    }),
  ),
  // ---- printing (issue 9): photo sheets and receipts through CUPS ----
  /** Papers, photo sizes, layouts, and how each layout does on each paper (fits / why not). */
  'print.options': proc('operator', Empty, PrintOptions),
  /** CUPS queues with their state, the papers they take and their trays; error when CUPS is unreachable. */
  'print.printers': proc('operator', Empty, z.object({ printers: z.array(PrinterInfo), error: PrintBilingual.nullable() })),
  'print.previewSheet': proc(
    'operator',
    z.object({ orderId: OrderId, layoutId: PrintRef, paperId: PrintRef, background: PrintBackground }).strict(),
    z.object({
      jpegBase64: z.string(),
      widthPx: z.number().int(),
      heightPx: z.number().int(),
      orientation: z.enum(['portrait', 'landscape']),
      photos: z.number().int(),
      nearBorderless: z.boolean(),
      /** False when the accepted photo kept its own background (it was finished without a mask). */
      backgroundReplaced: z.boolean(),
      fit: PrintBilingual,
    }),
  ),
  'print.previewReceipt': proc(
    'operator',
    z.object({ orderId: OrderId, paperId: PrintRef }).strict(),
    z.object({ pngBase64: z.string(), widthPx: z.number().int(), heightPx: z.number().int(), url: z.string() }),
  ),
  /** requestId is made per press of "print": sending the same request again never prints twice. */
  'print.submit': proc(
    'operator',
    z
      .object({
        requestId: z.uuid(),
        orderId: OrderId,
        kind: PrintJobKind,
        layoutId: PrintRef.nullable(),
        paperId: PrintRef,
        background: PrintBackground.nullable(),
        printer: PrinterName,
        tray: z.string().min(1).max(64).nullable(),
        copies: z.number().int().min(1).max(20),
      })
      .strict(),
    z.object({ job: PrintJob }),
  ),
  /** An order's jobs, or (null) the last day's jobs and every job still under way. */
  'print.jobs': proc('operator', z.object({ orderId: OrderId.nullable() }).strict(), z.object({ jobs: z.array(PrintJob) })),
  /** A failed, cancelled or stuck job again, to the same printer (null) or another. */
  'print.retry': proc(
    'operator',
    z.object({ jobId: PrintJobId, printer: PrinterName.nullable(), tray: z.string().min(1).max(64).nullable() }).strict(),
    z.object({ job: PrintJob }),
  ),
  'print.cancel': proc('operator', z.object({ jobId: PrintJobId }).strict(), z.object({ job: PrintJob })),
  /** Prints the student asked for at the station (加洗, added on site); reservations carry none yet. */
  'print.orderPrints': proc('operator', z.object({ orderId: OrderId }).strict(), z.object({ prints: z.array(OrderPrintRequest) })),
  'print.setOrderPrints': proc('operator', z.object({ orderId: OrderId, prints: OrderPrints }).strict(), z.object({ prints: z.array(OrderPrintRequest) })),
  // ---- end printing ----
  // ---- site manager (issue 7): the lock, settings, the audit log, day export, day report, reconciliation ----
  /** Whether wrong PINs have locked the station (the PIN screen offers a site manager's override). */
  'auth.lockState': proc('public', Empty, LockState),
  /** A site manager unlocks a locked station with their PIN and a reason, and is logged in. */
  'auth.overrideLock': proc('public', z.object({ pin: Pin, reason: Reason }).strict(), z.object({ operator: Operator })),
  'auth.unlock': proc('manager', z.object({ reason: Reason }).strict(), LockState),
  'settings.get': proc('operator', Empty, StationSettings),
  'settings.set': proc('manager', StationSettings.extend({ reason: z.string().trim().max(200).optional() }).strict(), StationSettings),
  'audit.list': proc(
    'manager',
    z.object({ beforeId: z.number().int().positive().nullable(), action: z.string().trim().max(40).nullable(), limit: z.number().int().min(1).max(500) }).strict(),
    z.object({ entries: z.array(AuditEntryView), more: z.boolean() }),
  ),
  /** The station's exports folder and the removable drives mounted now, with free space. */
  'export.destinations': proc('manager', Empty, z.object({ destinations: z.array(ExportDestination) })),
  /** Counts, sample names and naming problems, before anything is written. */
  'export.plan': proc('manager', ExportRequest, ExportPlanSummary),
  /** Starts the export in the background; progress as `export.progress`, the end as `export.finished`. */
  'export.start': proc('manager', ExportRequest, z.object({ exportId: z.string() })),
  'export.cancel': proc('manager', z.object({ exportId: z.string().min(1).max(64) }).strict(), z.object({ cancelled: z.boolean() })),
  'export.status': proc('manager', Empty, ExportStatus),
  'report.day': proc('manager', ReportRange, DayReport),
  /** The day report as an A4 PDF (Chinese fonts embedded) written into a folder. */
  'report.pdf': proc(
    'manager',
    z
      .object({ taskCode: TaskCode, from: IsoDate, to: IsoDate, outDir: z.string().trim().min(1).max(1024) })
      .strict()
      .refine((r) => r.from <= r.to, { message: '开始日期晚于结束日期 / from is after to', path: ['to'] }),
    z.object({ path: z.string(), bytes: z.number().int() }),
  ),
  /** Per order of this station: what the server confirmed and what is only here. */
  'reconcile.list': proc('manager', z.object({ taskCode: TaskCode }).strict(), ReconcileReport),
  /** Queues again whatever is missing or parked (all, or the orders named). */
  'reconcile.requeue': proc(
    'manager',
    z.object({ taskCode: TaskCode, orderIds: z.array(OrderId).max(1000).nullable() }).strict(),
    z.object({ orders: z.number().int(), jobs: z.number().int() }),
  ),
  // ---- end site manager ----
  // ---- app version and updates (issue 16): the installed app's updater, on the manager screen ----
  /** The running version, the channel's offer, the download, and whether 安装更新 may go ahead now (and why not). */
  'updates.status': proc('manager', Empty, UpdateStatus),
  /** The site manager's 安装更新: refused in words while anyone is photographed or an export or print job runs; audited. */
  'updates.install': proc('manager', Empty, z.object({ started: z.literal(true), version: z.string() })),
  // ---- end app version and updates ----
} as const;

export type Contract = typeof contract;
export type ProcedureName = keyof Contract;
export type InputOf<N extends ProcedureName> = z.input<Contract[N]['input']>;
export type ParsedInputOf<N extends ProcedureName> = z.output<Contract[N]['input']>;
export type OutputOf<N extends ProcedureName> = z.output<Contract[N]['output']>;

/** Events pushed from main to every connected renderer. */
export const events = {
  'orders.changed': z.object({ taskCode: TaskCode, orderId: z.string() }),
  /** What the student's screen shows now; sent to student windows (studentView.attach) too. */
  'studentView.changed': StudentViewState,
  /** A shot from a main-side camera (hot folder, simulated) was stored for the order being captured. */
  'capture.added': z.object({ orderId: z.string(), captureId: z.string() }),
  /** A shot arrived with no student in front of the camera: kept in the hot folder, not filed (or held on the station: heldId). */
  'capture.unassigned': z.object({ file: z.string(), heldId: z.string().optional() }),
  /** One live-view frame from the tethered DSLR (JPEG), while a capture screen asks for live view. */
  'camera.liveFrame': z.object({
    seq: z.number().int(),
    jpegBase64: z.string().max(MAX_LIVE_FRAME_BASE64),
    width: z.number().int(),
    height: z.number().int(),
    /** Clockwise degrees to turn the frame upright: the body is held in portrait (issue 17; read from its last still's EXIF). */
    rotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]).optional(),
  }),
  'camera.changed': CameraState,
  'sync.changed': SyncStatus,
  /** A print job changed state (queued, submitted, done, failed, cancelled) or its printer reported a problem. */
  'print.changed': PrintJob,
  /** The day export under way: phase, files and bytes done (site manager). */
  'export.progress': ExportProgress,
  /** The day export ended: its result, or the error (a full or removed drive, a cancel). */
  'export.finished': ExportFinished,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<N extends EventName> = z.output<Events[N]>;

export function isProcedureName(name: string): name is ProcedureName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}
