import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import type { z } from 'zod';
import type { Operator } from '../../shared/domain/entities.js';
import { AppError } from '../../shared/errors.js';
import { DslrSettings, type CameraState } from '../../shared/rpc/contract.js';
import { addStill } from '../capture/captureService.js';
import { writeAudit } from '../db/queries/audit.js';
import { getSetting, setSetting } from '../db/queries/settings.js';
import { createLogger } from '../log/logger.js';
import type { AppContext } from '../services/AppContext.js';
import { HotFolderBackend, SimulatedBackend, UvcBackend } from './backends.js';
import type { CameraBackend, CameraKind, IncomingShot } from './cameraBackend.js';
import { createDslrBackend, isDslrBackend } from './dslrBackend.js';
import { DslrCameraSettings, type ConfigurableCamera } from './dslrCameraSettings.js';
import { Gphoto2AddonBackend } from './gphoto2/Gphoto2AddonBackend.js';
import { DEFAULT_GPHOTO2_SETTINGS, type Gphoto2Settings, type Gphoto2Status } from './gphoto2/Gphoto2Backend.js';
import { HeldShots, type HeldReason, type HeldShot } from './heldShots.js';

type State = z.infer<typeof CameraState>;

const log = createLogger('camera');

/** Live view lapses when the capture screen stops renewing it (a closed tab, a crashed renderer). */
const LIVE_VIEW_LEASE_MS = 15_000;

function backendFor(kind: CameraKind, hotFolder: string | null, ctx: AppContext, dslr: Gphoto2Settings): CameraBackend {
  switch (kind) {
    case 'uvc':
      return new UvcBackend();
    case 'hotfolder':
      return hotFolder ? new HotFolderBackend(hotFolder) : new UvcBackend();
    case 'simulated':
      return new SimulatedBackend();
    case 'gphoto2':
      return createDslrBackend({ spoolDir: join(ctx.dataDir, 'camera-spool'), settings: dslr });
  }
}

function storedDslrSettings(ctx: AppContext): Gphoto2Settings {
  const raw = getSetting(ctx.db, 'camera.dslr');
  if (!raw) return { ...DEFAULT_GPHOTO2_SETTINGS };
  try {
    return { ...DEFAULT_GPHOTO2_SETTINGS, ...DslrSettings.parse(JSON.parse(raw)) };
  } catch {
    return { ...DEFAULT_GPHOTO2_SETTINGS };
  }
}

/**
 * The station's camera as a setting, and where its shots go. Shots from a main-side camera go to
 * the order being captured (capture.begin); one arriving with no student in front of the camera, or
 * made before this student's capture began, stays where it is and is reported, never filed to anyone.
 */
export class CameraService {
  private activeOrderId: string | null = null;
  /** When the student now in the chair was taken on: an older shot belongs to someone before. */
  private activeSince = 0;
  private backend: CameraBackend;
  private state: State;
  private dslrSettings: Gphoto2Settings;
  private liveViewUntil = 0;
  private liveRotation: 0 | 90 | 180 | 270 = 0;
  private leaseTimer: NodeJS.Timeout | undefined;
  readonly held: HeldShots;
  /** The tethered body's settings and the task presets (camera panel). */
  readonly cameraSettings: DslrCameraSettings;

  constructor(private readonly ctx: AppContext) {
    const kind = (getSetting(ctx.db, 'camera.kind') as CameraKind | undefined) ?? 'uvc';
    this.state = { kind, state: 'ready', hotFolder: getSetting(ctx.db, 'camera.hotFolder') ?? null };
    this.dslrSettings = storedDslrSettings(ctx);
    this.held = new HeldShots(join(ctx.dataDir, 'camera-held'));
    this.cameraSettings = new DslrCameraSettings(ctx.db);
    this.backend = backendFor(kind, this.state.hotFolder, ctx, this.dslrSettings);
  }

  getState(): State {
    if (isDslrBackend(this.backend)) return { ...this.state, dslr: { ...this.backend.status(), settings: { ...this.dslrSettings } } };
    return { ...this.state };
  }

  async start(): Promise<void> {
    await this.backend.start({
      shot: (shot) => this.file(shot),
      present: (present) => this.setPresent(present),
      frame: (f: { seq: number; jpeg: Buffer; width: number; height: number }) => {
        if (Date.now() < this.liveViewUntil) this.ctx.emit('camera.liveFrame', { seq: f.seq, jpegBase64: f.jpeg.toString('base64'), width: f.width, height: f.height, rotation: this.liveRotation });
      },
      status: (_status: Gphoto2Status) => this.ctx.emit('camera.changed', this.getState()),
      opened: async () => {
        const camera = this.configurableCamera();
        if (camera) await this.cameraSettings.applyActive(camera);
      },
    } as Parameters<CameraBackend['start']>[0]);
  }

  stop(): void {
    clearTimeout(this.leaseTimer);
    this.backend.stop();
  }

  /** Stops the camera and waits until it is released (a tethered DSLR's gphoto2 has exited). */
  async close(): Promise<void> {
    clearTimeout(this.leaseTimer);
    if (this.backend.close) await this.backend.close();
    else this.backend.stop();
  }

  async configure(kind: CameraKind, hotFolder: string | null, dslr?: Gphoto2Settings): Promise<State> {
    if (kind === 'hotfolder' && !hotFolder) throw new AppError('BAD_INPUT', { zh: '请填写热文件夹路径', en: 'Give the hot folder path' });
    setSetting(this.ctx.db, 'camera.kind', kind);
    if (hotFolder) setSetting(this.ctx.db, 'camera.hotFolder', hotFolder);
    if (dslr) {
      this.dslrSettings = { ...dslr };
      setSetting(this.ctx.db, 'camera.dslr', JSON.stringify(this.dslrSettings));
    }
    await this.close();
    this.state = { kind, state: 'ready', hotFolder: hotFolder ?? this.state.hotFolder };
    this.backend = backendFor(kind, this.state.hotFolder, this.ctx, this.dslrSettings);
    await this.start();
    this.ctx.emit('camera.changed', this.getState());
    return this.getState();
  }

  /** The capture screen asks for live view (and renews the ask); it lapses unrenewed. */
  setLiveView(on: boolean): State {
    clearTimeout(this.leaseTimer);
    this.liveViewUntil = on ? Date.now() + LIVE_VIEW_LEASE_MS : 0;
    this.backend.setLiveView?.(on);
    if (on) {
      this.leaseTimer = setTimeout(() => {
        this.liveViewUntil = 0;
        this.backend.setLiveView?.(false);
      }, LIVE_VIEW_LEASE_MS);
      this.leaseTimer.unref();
    }
    return this.getState();
  }

  /** The body's settings can be read and set only in-process (the libgphoto2 addon) with a camera open. */
  configurableCamera(): ConfigurableCamera | null {
    return this.backend instanceof Gphoto2AddonBackend && this.backend.status().model !== null && this.backend.status().phase !== 'absent' ? this.backend : null;
  }

    async detect(): Promise<{ model: string; port: string }[]> {
    const probe = isDslrBackend(this.backend) ? this.backend : createDslrBackend({ spoolDir: join(this.ctx.dataDir, 'camera-spool'), settings: this.dslrSettings });
    return probe.detect();
  }

  listHeld(): HeldShot[] {
    return this.held.list();
  }

  /** A held shot small enough to show in the list (the original may be 20 MB). */
  async heldPreview(heldId: string): Promise<Buffer> {
    return sharp(await this.held.read(heldId)).rotate().resize(480, 640, { fit: 'inside' }).jpeg({ quality: 85 }).toBuffer();
  }

  /** A held shot filed to the student being photographed now, at the photographer's word (audited). */
  async assignHeld(operator: Operator, heldId: string, orderId: string, reason: string): Promise<{ captureId: string }> {
    if (this.activeOrderId !== orderId) {
      throw new AppError('CONFLICT', { zh: '只能分配给正在拍摄的学生：请先打开该学生的拍摄页面', en: 'A held shot goes to the student being photographed: open their capture screen first' });
    }
    const shot = this.held.get(heldId);
    const bytes = await this.held.read(heldId);
    const { captureId } = await addStill(this.ctx, orderId, bytes, shot.camera);
    await this.held.release(heldId, 'assigned');
    writeAudit(this.ctx.db, {
      at: this.ctx.now().toISOString(),
      operatorId: operator.id,
      action: 'capture.assignHeld',
      entity: 'order',
      entityId: orderId,
      detail: { heldId, captureId, source: shot.source, camera: shot.camera, heldAt: shot.heldAt, heldReason: shot.reason },
      reason,
    });
    this.ctx.emit('capture.added', { orderId, captureId });
    return { captureId };
  }

  async discardHeld(operator: Operator, heldId: string, reason: string): Promise<void> {
    const shot = this.held.get(heldId);
    await this.held.release(heldId, 'discarded');
    writeAudit(this.ctx.db, {
      at: this.ctx.now().toISOString(),
      operatorId: operator.id,
      action: 'capture.discardHeld',
      detail: { heldId, source: shot.source, camera: shot.camera, heldAt: shot.heldAt, heldReason: shot.reason },
      reason,
    });
  }

  activate(orderId: string): void {
    if (this.activeOrderId !== orderId) this.activeSince = Date.now();
    this.activeOrderId = orderId;
  }

  deactivate(orderId: string): void {
    if (this.activeOrderId === orderId) this.activeOrderId = null;
  }

  /**
   * A camera that shoots on request (the simulated one, a tethered DSLR); the shot is filed like any
   * other. A DSLR shot takes a moment: if the student was changed meanwhile (another capture began,
   * or this one was accepted), the file is held, not filed to either.
   */
  async trigger(orderId: string): Promise<{ captureId: string }> {
    if (!this.backend.trigger) throw new AppError('CONFLICT', { zh: '当前相机不能由软件触发拍照', en: 'This camera cannot be triggered from the station' });
    const asked = this.activeSince;
    const shot = await this.backend.trigger();
    await this.noteOrientation(shot.bytes);
    try {
      if (shot.spoolPath && (this.activeOrderId !== orderId || this.activeSince !== asked)) {
        const held = await this.hold(shot, this.activeOrderId ? 'next-student' : 'no-student');
        throw new AppError('CONFLICT', {
          zh: '照片到达时已换了学生：照片已暂存，请在“待分配照片”中处理',
          en: 'The student changed before the shot arrived: it is held under "held shots"',
          details: [`held:${held.id}`],
        });
      }
      const { captureId } = await addStill(this.ctx, orderId, shot.bytes, this.backend.kind);
      this.ctx.emit('capture.added', { orderId, captureId });
      return { captureId };
    } finally {
      if (shot.spoolPath) await rm(shot.spoolPath, { force: true });
    }
  }

  private async hold(shot: IncomingShot, reason: HeldReason): Promise<HeldShot> {
    const held = await this.held.hold(shot.bytes, basename(shot.source), this.backend.kind, reason, this.ctx.now());
    log.warn('shot held for the photographer to assign', { file: basename(shot.source), heldId: held.id, reason });
    this.ctx.emit('capture.unassigned', { file: basename(shot.source), heldId: held.id });
    return held;
  }

  private setPresent(present: boolean): void {
    const state = present ? 'ready' : 'absent';
    if (this.state.state === state) return;
    this.state = { ...this.state, state };
    log.info('camera', { state });
    this.ctx.emit('camera.changed', this.getState());
  }

  /**
   * Live view comes off the sensor landscape whichever way the body is held; the body's own stills say
   * how it is held (EXIF Orientation from its orientation sensor). Each DSLR shot updates how live view
   * is turned, so the guide oval stands upright once the photographer has shot in portrait.
   */
  private async noteOrientation(bytes: Buffer): Promise<void> {
    if (!isDslrBackend(this.backend)) return;
    const orientation = await sharp(bytes)
      .metadata()
      .then((m) => m.orientation ?? 1)
      .catch(() => 1);
    this.liveRotation = orientation === 6 ? 90 : orientation === 8 ? 270 : orientation === 3 ? 180 : 0;
  }

  private async file(shot: IncomingShot): Promise<void> {
    await this.noteOrientation(shot.bytes);
    const orderId = this.activeOrderId;
    const name = basename(shot.source);
    // A late transfer of a shot taken before this student's capture began (the previous student's)
    // is never filed to this one. A second of slack covers clocks that round mtimes.
    if (!orderId || shot.takenAtMs < this.activeSince - 1000) {
      // A backend whose file exists nowhere the photographer can reach (gphoto2's download) holds it.
      if (shot.spoolPath) {
        await this.hold(shot, shot.takenAtMs === 0 ? 'restart' : orderId ? 'next-student' : 'no-student');
        return;
      }
      log.warn('shot with no current student left where it is', { file: name });
      this.ctx.emit('capture.unassigned', { file: name });
      return;
    }
    try {
      const { captureId } = await addStill(this.ctx, orderId, shot.bytes, this.backend.kind);
      this.ctx.emit('capture.added', { orderId, captureId });
    } catch (err) {
      // A corrupt or oversized file: said in the log and on screen; the file stays where it is.
      log.warn('shot refused', { file: name, error: err instanceof AppError ? err.code : String(err) });
      this.ctx.emit('capture.unassigned', { file: name });
      // A downloaded file stays in the spool folder (the backend keeps what was not taken).
      if (shot.spoolPath) throw err;
    }
  }
}
