import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import type { CAMERA_KINDS, CameraState } from '../../shared/rpc/contract.js';
import { packageRoot } from '../app/packageRoot.js';
import { addStill } from '../capture/captureService.js';
import { getSetting, setSetting } from '../db/queries/settings.js';
import { createLogger } from '../log/logger.js';
import type { AppContext } from '../services/AppContext.js';
import { HotFolderWatcher } from './hotFolder.js';

type CameraKind = (typeof CAMERA_KINDS)[number];
type State = z.infer<typeof CameraState>;

const log = createLogger('camera');

/**
 * The station's camera as a setting. The webcam is driven by the renderer (getUserMedia), so here it
 * is only a name; the hot folder is watched here; the simulated camera plays the demo photos.
 * Shots from a main-side camera go to the order being captured (capture.begin); one arriving with no
 * student in front of the camera stays in the hot folder and is reported, never filed to anyone.
 */
export class CameraService {
  private activeOrderId: string | null = null;
  /** When the student now in the chair was taken on: an older file belongs to someone before. */
  private activeSince = 0;
  private watcher: HotFolderWatcher | null = null;
  private state: State;
  private nextDemo = 0;

  constructor(private readonly ctx: AppContext) {
    const kind = (getSetting(ctx.db, 'camera.kind') as CameraKind | undefined) ?? 'uvc';
    this.state = { kind, state: 'ready', hotFolder: getSetting(ctx.db, 'camera.hotFolder') ?? null };
  }

  getState(): State {
    return { ...this.state };
  }

  async start(): Promise<void> {
    this.stop();
    if (this.state.kind !== 'hotfolder' || !this.state.hotFolder) return;
    this.watcher = new HotFolderWatcher(this.state.hotFolder, (e) => {
      if (e.kind === 'status') this.setState(e.present ? 'ready' : 'absent');
      else void this.onHotFile(e.path, e.bytes, e.mtimeMs);
    });
    await this.watcher.start();
  }

  stop(): void {
    this.watcher?.stop();
    this.watcher = null;
  }

  async configure(kind: CameraKind, hotFolder: string | null): Promise<State> {
    if (kind === 'hotfolder' && !hotFolder) throw new AppError('BAD_INPUT', { zh: '请填写热文件夹路径', en: 'Give the hot folder path' });
    setSetting(this.ctx.db, 'camera.kind', kind);
    if (hotFolder) setSetting(this.ctx.db, 'camera.hotFolder', hotFolder);
    this.state = { kind, state: 'ready', hotFolder: hotFolder ?? this.state.hotFolder };
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

  /** The simulated camera: the next demo photo, as if the shutter had been pressed. */
  async trigger(orderId: string): Promise<{ captureId: string }> {
    if (this.state.kind !== 'simulated') throw new AppError('CONFLICT', { zh: '当前相机不是模拟相机', en: 'The camera is not the simulated one' });
    const dir = join(packageRoot(), 'resources', 'demo-photos');
    const photos = readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f)).sort();
    if (photos.length === 0) throw new AppError('NOT_FOUND', { zh: '没有演示照片', en: 'No demo photos' });
    const file = photos[this.nextDemo++ % photos.length]!;
    const { captureId } = await addStill(this.ctx, orderId, readFileSync(join(dir, file)), 'simulated');
    this.ctx.emit('capture.added', { orderId, captureId });
    return { captureId };
  }

  private setState(state: State['state']): void {
    if (this.state.state === state) return;
    this.state = { ...this.state, state };
    log.info('hot folder', { state });
    this.ctx.emit('camera.changed', this.getState());
  }

  private async onHotFile(path: string, bytes: Buffer, mtimeMs: number): Promise<void> {
    const orderId = this.activeOrderId;
    // A shot written before this student's capture began (a late transfer of the previous student's
    // photo) is never filed to this one. A second of slack covers clocks that round mtimes.
    if (!orderId || mtimeMs < this.activeSince - 1000) {
      log.warn('shot with no active order left in the hot folder', { file: basename(path) });
      this.ctx.emit('capture.unassigned', { file: basename(path) });
      return;
    }
    try {
      const { captureId } = await addStill(this.ctx, orderId, bytes, 'hotfolder');
      this.ctx.emit('capture.added', { orderId, captureId });
    } catch (err) {
      // A corrupt or oversized file: said in the log and to the screen; the file stays where it is.
      log.warn('hot folder file refused', { file: basename(path), error: err instanceof AppError ? err.code : String(err) });
      this.ctx.emit('capture.unassigned', { file: basename(path) });
    }
  }
}
