import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.js';
import { createLogger } from '../../log/logger.js';
import type { IncomingShot } from '../cameraBackend.js';
import { dslrFault, type DslrFault, type DslrFaultCode } from './dslrFaults.js';
import type { Gphoto2Sink, Gphoto2Status } from './Gphoto2Backend.js';

const log = createLogger('dslr');

/** A shot asked for by the station, answered when its file is on disk. */
export interface CaptureJob {
  requestedAt: number;
  resolve(shot: IncomingShot): void;
  reject(err: unknown): void;
}

/** Frames narrower than this are thumbnails a broken frame left behind, not live view. */
export const MIN_FRAME_WIDTH = 200;

export function cameraError(fault: DslrFault): AppError {
  return new AppError('CONFLICT', { zh: fault.zh, en: fault.en, details: [`camera:${fault.code}`] });
}

/**
 * What both tethered backends (the gphoto2 command and the in-process addon) say and hand over the
 * same way: the status with its one current fault, and shots from the spool folder to the sink.
 * They differ only in how they drive the camera.
 */
export abstract class TetheredDslrBase {
  protected sink: Gphoto2Sink | null = null;
  protected readonly statusValue: Gphoto2Status = { phase: 'searching', model: null, port: null, liveView: 'off', fault: null, freeImages: null };

  protected constructor(private readonly spoolFolder: string) {}

  status(): Gphoto2Status {
    return { ...this.statusValue };
  }

  protected setStatus(patch: Partial<Gphoto2Status>): void {
    const before = JSON.stringify(this.statusValue);
    Object.assign(this.statusValue, patch);
    if (JSON.stringify(this.statusValue) !== before) this.sink?.status?.(this.status());
  }

  protected tell(code: DslrFaultCode, values: { detail?: string; n?: number } = {}): DslrFault {
    const fault = dslrFault(code, new Date(), values);
    // The same words again (a camera still absent at every search) are not news.
    if (this.statusValue.fault?.code === code && this.statusValue.fault.zh === fault.zh) return this.statusValue.fault;
    log.warn('camera fault', { code, detail: values.detail });
    this.setStatus({ fault });
    return fault;
  }

  protected clearFault(...codes: DslrFaultCode[]): void {
    if (this.statusValue.fault && (codes.length === 0 || codes.includes(this.statusValue.fault.code))) this.setStatus({ fault: null });
  }

  protected async deliver(shot: IncomingShot): Promise<void> {
    try {
      await this.sink?.shot(shot);
    } catch (err) {
      // Not filed and not held (a disk full, a broken file): the spool copy stays, and is offered
      // again (held) when the station next starts.
      log.error('shot could not be filed; kept in the spool folder', { file: shot.source, error: err instanceof Error ? err.message : String(err) });
      return;
    }
    // Filed or held (both keep their own durable copy): the spool copy has done its job.
    if (shot.spoolPath) await rm(shot.spoolPath, { force: true });
  }

  /**
   * Files downloaded before a crash of the station: filed like any other arrival, dated 0 so that
   * the sink holds them for the photographer (older than any capture under way), never files them
   * to a student. `isPartial` names half-written downloads, which are dropped.
   */
  protected async fileLeftoverSpool(isPartial: (name: string) => boolean = () => false): Promise<void> {
    const names = await readdir(this.spoolFolder).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (name.startsWith('.')) continue;
      const path = join(this.spoolFolder, name);
      if (isPartial(name)) {
        await rm(path, { force: true });
        continue;
      }
      const bytes = await readFile(path).catch(() => null);
      if (!bytes || bytes.length === 0) continue;
      await this.deliver({ bytes, source: name.replace(/^(shot|body|card)-\d+-/, ''), takenAtMs: 0, spoolPath: path });
    }
  }
}
