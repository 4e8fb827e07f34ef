import type { CAMERA_KINDS } from '../../shared/rpc/contract.js';

export type CameraKind = (typeof CAMERA_KINDS)[number];

/** A shot as a camera delivers it, before it is filed to anyone. */
export interface IncomingShot {
  bytes: Buffer;
  /** File name or frame label, for the log and the "unfiled shot" message; never a student's name. */
  source: string;
  /** When the camera made it (file mtime, or now): a shot older than the current capture is not filed to it. */
  takenAtMs: number;
  /** Where the backend keeps the file until it is filed (gphoto2's download folder); removed after. */
  spoolPath?: string;
}

export interface CameraSink {
  /** A backend that keeps the file until it is filed (gphoto2) waits for the returned promise. */
  shot(shot: IncomingShot): void | Promise<void>;
  /** Whether the camera (or its folder, its USB connection) is there. */
  present(present: boolean): void;
}

/**
 * One camera behind the station (DESIGN §5). The webcam is driven by the renderer (getUserMedia), so
 * its backend here only names it; a hot folder and the simulated camera deliver shots through the
 * sink; a tethered DSLR (gphoto2/Gphoto2Backend) also streams live view through it.
 */
export interface CameraBackend {
  readonly kind: CameraKind;
  start(sink: CameraSink): Promise<void>;
  stop(): void;
  /** Shoot on request; cameras that shoot by themselves (a hot folder) leave this out. */
  trigger?(): Promise<IncomingShot>;
  /** Live view from the main side (a tethered DSLR), while the capture screen wants it. */
  setLiveView?(on: boolean): void;
  /** Stops and waits until the camera is released (stop() starts the same without waiting). */
  close?(): Promise<void>;
}
