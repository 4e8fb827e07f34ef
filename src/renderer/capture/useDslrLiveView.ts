import { useEffect, useRef, useState } from 'react';
import { useRpc } from '../hooks/useRpc';
import { useRpcEvent } from '../hooks/useRpcEvent';
import { base64ToBlob } from './grabStill';

/** The main side drops live view 15 s after the last renewal (a closed tab must not hold the camera). */
const RENEW_MS = 5000;

export interface DslrLiveView {
  /** The DSLR's live view as a video stream: the same <video>, overlay and vision worker as the webcam. */
  stream: MediaStream | null;
  size: { width: number; height: number } | null;
  /** Frames drawn in the last second. */
  fps: number;
}

/**
 * Live view from a tethered DSLR (frames arrive as `camera.liveFrame` events, JPEG) turned into a
 * MediaStream: each frame is decoded off the main thread (createImageBitmap) and drawn on a canvas
 * whose captureStream feeds the preview <video>. So the webcam's live-vision loop runs on it
 * unchanged (requestVideoFrameCallback, VideoFrame into the worker). A frame that arrives while the
 * previous one is still decoding replaces the waiting one: the newest is drawn, none pile up.
 */
export function useDslrLiveView(enabled: boolean, opts: { ask: boolean } = { ask: true }): DslrLiveView {
  const client = useRpc();
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const [fps, setFps] = useState(0);
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const busy = useRef(false);
  const waiting = useRef<{ jpegBase64: string; rotation: number } | null>(null);
  const drawnAt = useRef<number[]>([]);
  const enabledRef = useRef(enabled);
  enabledRef.current = enabled;

  // Ask for live view while enabled, renewing the ask; let it go when done.
  // The student's screen only watches the frames the photographer's screen asked for (opts.ask false).
  const asking = enabled && opts.ask;
  useEffect(() => {
    if (!asking) return;
    const ask = () => void client.call('camera.liveView', { on: true }).catch(() => undefined);
    ask();
    const timer = setInterval(ask, RENEW_MS);
    return () => {
      clearInterval(timer);
      void client.call('camera.liveView', { on: false }).catch(() => undefined);
    };
  }, [client, asking]);

  useEffect(() => {
    if (!enabled) {
      setStream(null);
      setSize(null);
      return;
    }
    const c = document.createElement('canvas');
    c.width = 640;
    c.height = 424;
    canvas.current = c;
    const s = c.captureStream();
    setStream(s);
    const timer = setInterval(() => {
      const now = performance.now();
      drawnAt.current = drawnAt.current.filter((t) => t > now - 1000);
      setFps(drawnAt.current.length);
    }, 1000);
    return () => {
      clearInterval(timer);
      s.getTracks().forEach((t) => t.stop());
      canvas.current = null;
      setStream(null);
    };
  }, [enabled]);

  const draw = async (jpegBase64: string, rotation = 0): Promise<void> => {
    busy.current = true;
    try {
      const bitmap = await createImageBitmap(base64ToBlob(jpegBase64, 'image/jpeg'));
      const c = canvas.current;
      if (c && enabledRef.current) {
        // A body held in portrait: the frame is turned upright here, so the preview, the guide overlay
        // and live vision all see a portrait picture.
        const sideways = rotation === 90 || rotation === 270;
        const [w, h] = sideways ? [bitmap.height, bitmap.width] : [bitmap.width, bitmap.height];
        if (c.width !== w || c.height !== h) {
          c.width = w;
          c.height = h;
          setSize({ width: w, height: h });
        } else if (!size) {
          setSize({ width: w, height: h });
        }
        const g = c.getContext('2d');
        g?.setTransform(1, 0, 0, 1, 0, 0);
        g?.translate(w / 2, h / 2);
        g?.rotate((rotation * Math.PI) / 180);
        g?.drawImage(bitmap, -bitmap.width / 2, -bitmap.height / 2);
        drawnAt.current.push(performance.now());
      }
      bitmap.close();
    } catch {
      // a frame the browser cannot decode: skip it, the next one is a few ms away
    } finally {
      busy.current = false;
      const next = waiting.current;
      waiting.current = null;
      if (next && enabledRef.current) void draw(next.jpegBase64, next.rotation);
    }
  };

  useRpcEvent('camera.liveFrame', ({ jpegBase64, rotation }) => {
    if (!enabledRef.current || !canvas.current) return;
    if (busy.current) waiting.current = { jpegBase64, rotation: rotation ?? 0 };
    else void draw(jpegBase64, rotation ?? 0);
  });

  return { stream, size, fps };
}
