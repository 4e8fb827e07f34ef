import { LocalError } from '../format/describeError';
import { GRAB_ATTEMPTS, THUMB_H, THUMB_W, blankRgba, type BlankGrab } from './blankFrame';

/** How long a re-grab waits for the camera's next frame before drawing whatever the video holds. */
const NEXT_FRAME_MS = 500;

/**
 * A full-resolution still from the live webcam stream: the video element's own frame at its native
 * size (ImageCapture.takePhoto would re-negotiate the camera on many UVC devices and stall the
 * preview for a second). JPEG at high quality; the finishing makes the spec file from it.
 *
 * Now and then (1 shot in ~100–300 under CPU load, Chromium's fake camera, issue 18) the drawn frame
 * is entirely black although the live view around it shows the student: stored as it was, the still
 * engine found "no face" in it. So the drawn frame is checked on a thumbnail and, when black, drawn
 * again from the camera's next frame; a camera that only gives black frames is said, bilingually,
 * instead of being judged as a shot without a face.
 */
export async function grabStill(video: HTMLVideoElement, opts: { onBlank?: (blank: BlankGrab) => void } = {}): Promise<Blob> {
  // The size is known (HAVE_METADATA) a moment before the first frame is (HAVE_CURRENT_DATA): a
  // shutter pressed in between drew nothing, a black still the engine found no face in.
  if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) await firstFrame(video, 2000);
  const onBlank = opts.onBlank ?? logBlank;
  for (let attempt = 1; ; attempt++) {
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (width === 0 || height === 0) throw new LocalError('errors.cameraNotReady');
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    ctx.drawImage(video, 0, 0, width, height);
    const kind = blankKind(canvas);
    if (kind === null) return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.95 });
    const track = video.srcObject instanceof MediaStream ? video.srcObject.getVideoTracks()[0] : undefined;
    onBlank({ attempt, kind, readyState: video.readyState, trackMuted: track ? track.muted : null });
    if (attempt >= GRAB_ATTEMPTS) throw new LocalError('errors.cameraBlankFrame');
    await nextFrame(video, NEXT_FRAME_MS);
  }
}

function logBlank(b: BlankGrab): void {
  console.warn(`grabStill: the drawn camera frame was ${b.kind} (attempt ${b.attempt}/${GRAB_ATTEMPTS}, readyState ${b.readyState}, track muted ${String(b.trackMuted)}); ${b.attempt < GRAB_ATTEMPTS ? 'drawing the next frame' : 'giving up'}`);
}

/** Null when the canvas holds a picture; else whether nothing was drawn or a black frame was. */
function blankKind(canvas: OffscreenCanvas): BlankGrab['kind'] | null {
  const thumb = new OffscreenCanvas(THUMB_W, THUMB_H);
  const ctx = thumb.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d context');
  ctx.drawImage(canvas, 0, 0, THUMB_W, THUMB_H);
  return blankRgba(ctx.getImageData(0, 0, THUMB_W, THUMB_H).data);
}

/** The camera's next presented frame, or the timeout (a stalled camera or a hidden page never calls back). */
function nextFrame(video: HTMLVideoElement, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      video.cancelVideoFrameCallback(handle);
      resolve();
    };
    const handle = video.requestVideoFrameCallback(done);
    const timer = setTimeout(done, ms);
  });
}

function firstFrame(video: HTMLVideoElement, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      video.removeEventListener('loadeddata', done);
      resolve();
    };
    const timer = setTimeout(() => {
      video.removeEventListener('loadeddata', done);
      reject(new LocalError('errors.cameraNotReady'));
    }, ms);
    video.addEventListener('loadeddata', done);
  });
}

export async function blobToBase64(blob: Blob): Promise<string> {
  const { bytesToBase64 } = await import('../format/base64');
  return bytesToBase64(new Uint8Array(await blob.arrayBuffer()));
}

export function base64ToBlob(base64: string, type: string): Blob {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type });
}
