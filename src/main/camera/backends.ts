import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors.js';
import { packageRoot } from '../app/packageRoot.js';
import type { CameraBackend, CameraSink, IncomingShot } from './cameraBackend.js';
import { HotFolderWatcher } from './hotFolder.js';

/** The webcam: preview and stills happen in the renderer; nothing runs here. */
export class UvcBackend implements CameraBackend {
  readonly kind = 'uvc' as const;
  async start(): Promise<void> {}
  stop(): void {}
}

/** The folder a vendor tether tool writes into (see HotFolderWatcher for when a file counts). */
export class HotFolderBackend implements CameraBackend {
  readonly kind = 'hotfolder' as const;
  private watcher: HotFolderWatcher | null = null;

  constructor(private readonly folder: string) {}

  async start(sink: CameraSink): Promise<void> {
    this.watcher = new HotFolderWatcher(this.folder, (e) => {
      if (e.kind === 'status') sink.present(e.present);
      else sink.shot({ bytes: e.bytes, source: e.path, takenAtMs: e.mtimeMs });
    });
    await this.watcher.start();
  }

  stop(): void {
    this.watcher?.stop();
    this.watcher = null;
  }
}

/** Plays resources/demo-photos in turn, one per shutter press, so the flow can be tried without a camera. */
export class SimulatedBackend implements CameraBackend {
  readonly kind = 'simulated' as const;
  private next = 0;

  async start(): Promise<void> {}
  stop(): void {}

  async trigger(): Promise<IncomingShot> {
    const dir = join(packageRoot(), 'resources', 'demo-photos');
    const photos = readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f)).sort();
    if (photos.length === 0) throw new AppError('NOT_FOUND', { zh: '没有演示照片', en: 'No demo photos' });
    const file = photos[this.next++ % photos.length]!;
    return { bytes: readFileSync(join(dir, file)), source: file, takenAtMs: Date.now() };
  }
}
