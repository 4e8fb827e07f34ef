import { basename } from 'node:path';
import type { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import type { CameraState } from '../../shared/rpc/contract.js';
import { addStill } from '../capture/captureService.js';
import { getSetting, setSetting } from '../db/queries/settings.js';
import { createLogger } from '../log/logger.js';
import type { AppContext } from '../services/AppContext.js';
import { HotFolderBackend, SimulatedBackend, UvcBackend } from './backends.js';
import type { CameraBackend, CameraKind, IncomingShot } from './cameraBackend.js';

type State = z.infer<typeof CameraState>;

const log = createLogger('camera');

function backendFor(kind: CameraKind, hotFolder: string | null): CameraBackend {
  switch (kind) {
    case 'uvc':
      return new UvcBackend();
    case 'hotfolder':
      return hotFolder ? new HotFolderBackend(hotFolder) : new UvcBackend();
    case 'simulated':
      return new SimulatedBackend();
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

  constructor(private readonly ctx: AppContext) {
    const kind = (getSetting(ctx.db, 'camera.kind') as CameraKind | undefined) ?? 'uvc';
    this.state = { kind, state: 'ready', hotFolder: getSetting(ctx.db, 'camera.hotFolder') ?? null };
    this.backend = backendFor(kind, this.state.hotFolder);
  }

  getState(): State {
    return { ...this.state };
  }

  async start(): Promise<void> {
    await this.backend.start({
      shot: (shot) => void this.file(shot),
      present: (present) => this.setPresent(present),
    });
  }

  stop(): void {
    this.backend.stop();
  }

  async configure(kind: CameraKind, hotFolder: string | null): Promise<State> {
    if (kind === 'hotfolder' && !hotFolder) throw new AppError('BAD_INPUT', { zh: '请填写热文件夹路径', en: 'Give the hot folder path' });
    setSetting(this.ctx.db, 'camera.kind', kind);
    if (hotFolder) setSetting(this.ctx.db, 'camera.hotFolder', hotFolder);
    this.stop();
    this.state = { kind, state: 'ready', hotFolder: hotFolder ?? this.state.hotFolder };
    this.backend = backendFor(kind, this.state.hotFolder);
    await this.start();
    this.ctx.emit('camera.changed', this.getState());
    return this.getState();
  }

  activate(orderId: string): void {
    if (this.activeOrderId !== orderId) this.activeSince = Date.now();
    this.activeOrderId = orderId;
  }

  deactivate(orderId: string): void {
    if (this.activeOrderId === orderId) this.activeOrderId = null;
  }

  /** A camera that shoots on request (the simulated one); the shot is filed like any other. */
  async trigger(orderId: string): Promise<{ captureId: string }> {
    if (!this.backend.trigger) throw new AppError('CONFLICT', { zh: '当前相机不能由软件触发拍照', en: 'This camera cannot be triggered from the station' });
    const shot = await this.backend.trigger();
    const { captureId } = await addStill(this.ctx, orderId, shot.bytes, this.backend.kind);
    this.ctx.emit('capture.added', { orderId, captureId });
    return { captureId };
  }

  private setPresent(present: boolean): void {
    const state = present ? 'ready' : 'absent';
    if (this.state.state === state) return;
    this.state = { ...this.state, state };
    log.info('camera', { state });
    this.ctx.emit('camera.changed', this.getState());
  }

  private async file(shot: IncomingShot): Promise<void> {
    const orderId = this.activeOrderId;
    const name = basename(shot.source);
    // A late transfer of a shot taken before this student's capture began (the previous student's)
    // is never filed to this one. A second of slack covers clocks that round mtimes.
    if (!orderId || shot.takenAtMs < this.activeSince - 1000) {
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
    }
  }
}
