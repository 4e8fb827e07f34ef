import { useEffect, useState } from 'react';

export type CameraFailure = 'NotAllowedError' | 'NotFoundError' | 'NotReadableError' | 'OverconstrainedError' | 'ended' | 'unsupported' | 'other';
const KNOWN = ['NotAllowedError', 'NotFoundError', 'NotReadableError', 'OverconstrainedError'];

/**
 * The station webcam at the highest resolution it offers (asked for 4K, given what it has). A camera
 * unplugged mid-session is reported, and opened again by itself when a camera is plugged back in, so
 * the station recovers without a restart.
 */
export function useCameraStream(
  enabled: boolean,
  ideal: { width: number; height: number } = { width: 3840, height: 2160 },
): { stream: MediaStream | null; failure: CameraFailure | null } {
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [failure, setFailure] = useState<CameraFailure | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!enabled) return;
    const devices = navigator.mediaDevices as MediaDevices | undefined;
    if (!devices) {
      setFailure('unsupported');
      return;
    }
    let current = true;
    let opened: MediaStream | null = null;
    setFailure(null);
    devices
      .getUserMedia({ video: { width: { ideal: ideal.width }, height: { ideal: ideal.height } }, audio: false })
      .then((s) => {
        if (!current) {
          s.getTracks().forEach((t) => t.stop());
          return;
        }
        opened = s;
        setStream(s);
        s.getVideoTracks()[0]?.addEventListener('ended', () => {
          if (!current) return;
          setStream(null);
          setFailure('ended');
        });
      })
      .catch((error: unknown) => {
        if (!current) return;
        const name = error instanceof Error ? error.name : '';
        setFailure(KNOWN.includes(name) ? (name as CameraFailure) : 'other');
      });
    // A headset plugged in must not tear down a working preview: retry only without a live stream.
    const retry = () => {
      if (!opened || opened.getVideoTracks().every((t) => t.readyState === 'ended')) setAttempt((n) => n + 1);
    };
    devices.addEventListener('devicechange', retry);
    return () => {
      current = false;
      devices.removeEventListener('devicechange', retry);
      opened?.getTracks().forEach((t) => t.stop());
      setStream(null);
    };
  }, [enabled, attempt, ideal.width, ideal.height]);

  return { stream, failure };
}
