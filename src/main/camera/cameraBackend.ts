import type { CAMERA_KINDS } from '../../shared/rpc/contract.js';

export type CameraKind = (typeof CAMERA_KINDS)[number];

/** A shot as a camera delivers it, before it is filed to anyone. */
export interface IncomingShot {
  bytes: Buffer;
  /** File name or frame label, for the log and the "unfiled shot" message; never a student's name. */
  source: string;
  /** When the camera made it (file mtime, or now): a shot older than the current capture is not filed to it. */
  takenAtMs: number;
}

export interface CameraSink {
  shot(shot: IncomingShot): void;
  /** Whether the camera (or its folder, its USB connection) is there. */
  present(present: boolean): void;
}

/**
 * One camera behind the station (DESIGN §5). The webcam is driven by the renderer (getUserMedia), so
 * its backend here only names it; a hot folder and the simulated camera deliver shots through the
 * sink; a tethered DSLR (gphoto2) will be another implementation.
 */
export interface CameraBackend {
  readonly kind: CameraKind;
  start(sink: CameraSink): Promise<void>;
  stop(): void;
  /** Shoot on request; cameras that shoot by themselves (a hot folder) leave this out. */
  trigger?(): Promise<IncomingShot>;
}
