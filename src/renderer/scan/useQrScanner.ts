import { useEffect, useRef, useState } from 'react';
import type { QrWorkerRequest, QrWorkerResponse } from './qrWorkerProtocol';

/** The same code seen again within this long after its last sighting is the same student still
 * holding the phone up, not a new scan. */
const REPEAT_QUIET_MS = 3000;
/** A frame the worker has not answered in this long is given up, so the loop never stalls. */
const FRAME_TIMEOUT_MS = 5000;

export interface QrScannerState {
  /** Frames decoded per second over the last second (0 while idle). */
  fps: number;
  /** Bilingual, for the operator; null while all is well. */
  error: string | null;
}

type VideoWithFrameCallback = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: () => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

/**
 * Reads QR codes from a playing <video> in a Web Worker. At most one frame is in flight: while
 * the worker is busy new frames are dropped rather than queued, so the scan always looks at the
 * newest picture and the UI thread only grabs and transfers bitmaps. `onCode` fires once per
 * distinct text.
 */
export function useQrScanner(video: HTMLVideoElement | null, enabled: boolean, onCode: (text: string) => void): QrScannerState {
  const [fps, setFps] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const onCodeRef = useRef(onCode);
  useEffect(() => {
    onCodeRef.current = onCode;
  }, [onCode]);

  useEffect(() => {
    if (!enabled || !video) {
      setFps(0);
      return;
    }
    let stopped = false;
    let inFlight: { id: number; since: number } | null = null;
    let nextId = 1;
    let frameIndex = 0;
    let decodedThisSecond = 0;
    let secondStart = performance.now();
    let last: { text: string; seen: number } | null = null;
    let handle: { kind: 'vfc' | 'timer'; id: number } | null = null;
    const v = video as VideoWithFrameCallback;

    const worker = new Worker(new URL('./qrWorker.ts', import.meta.url), { type: 'module', name: 'qr-decoder' });
    setError(null);

    const fail = (message: string) => {
      if (!stopped) setError(`二维码识别出错：${message} / The QR decoder failed: ${message}`);
    };

    worker.addEventListener('message', (event: MessageEvent<QrWorkerResponse>) => {
      const msg = event.data;
      if (msg.type === 'ready') return;
      if (msg.type === 'failed') {
        if (inFlight && msg.id === inFlight.id) inFlight = null;
        fail(msg.message);
        return;
      }
      if (!inFlight || msg.id !== inFlight.id) return;
      inFlight = null;
      decodedThisSecond++;
      if (msg.text === null || stopped) return;
      const now = performance.now();
      const repeat = last !== null && last.text === msg.text && now - last.seen < REPEAT_QUIET_MS;
      last = { text: msg.text, seen: now };
      if (!repeat) onCodeRef.current(msg.text);
    });
    worker.addEventListener('error', (event) => fail(event.message || 'worker error'));

    const grab = async () => {
      const now = performance.now();
      if (now - secondStart >= 1000) {
        setFps(Math.round((decodedThisSecond * 1000) / (now - secondStart)));
        decodedThisSecond = 0;
        secondStart = now;
      }
      if (inFlight && now - inFlight.since > FRAME_TIMEOUT_MS) inFlight = null;
      if (inFlight || v.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || v.videoWidth === 0) return;
      const id = nextId++;
      inFlight = { id, since: now };
      try {
        const bitmap = await createImageBitmap(v);
        if (stopped) {
          bitmap.close();
          return;
        }
        const request: QrWorkerRequest = { type: 'frame', id, frameIndex: frameIndex++, bitmap };
        worker.postMessage(request, [bitmap]);
      } catch (err) {
        // The video can lose its frame between the readyState check and the grab (track ended).
        if (inFlight?.id === id) inFlight = null;
        if (!(err instanceof DOMException && err.name === 'InvalidStateError')) fail(err instanceof Error ? err.message : String(err));
      }
    };

    const schedule = () => {
      if (stopped) return;
      // One grab per new video frame where the browser can say so; ~30 Hz polling otherwise.
      if (v.requestVideoFrameCallback) handle = { kind: 'vfc', id: v.requestVideoFrameCallback(tick) };
      else handle = { kind: 'timer', id: window.setTimeout(tick, 33) };
    };
    const tick = () => {
      void grab().finally(schedule);
    };
    schedule();

    return () => {
      stopped = true;
      if (handle?.kind === 'vfc') v.cancelVideoFrameCallback?.(handle.id);
      else if (handle) window.clearTimeout(handle.id);
      worker.terminate();
    };
  }, [video, enabled]);

  return { fps, error };
}
