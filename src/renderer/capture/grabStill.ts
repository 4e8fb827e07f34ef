import { LocalError } from '../format/describeError';

/**
 * A full-resolution still from the live webcam stream: the video element's own frame at its native
 * size (ImageCapture.takePhoto would re-negotiate the camera on many UVC devices and stall the
 * preview for a second). JPEG at high quality; the finishing makes the spec file from it.
 */
export async function grabStill(video: HTMLVideoElement): Promise<Blob> {
  // The size is known (HAVE_METADATA) a moment before the first frame is (HAVE_CURRENT_DATA): a
  // shutter pressed in between drew nothing, a black still the engine found no face in.
  if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) await firstFrame(video, 2000);
  const width = video.videoWidth;
  const height = video.videoHeight;
  if (width === 0 || height === 0) throw new LocalError('errors.cameraNotReady');
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d context');
  ctx.drawImage(video, 0, 0, width, height);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.95 });
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
