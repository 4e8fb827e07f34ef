import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQrScanner } from '../scan/useQrScanner';

const STORAGE_KEY = 'campus-capture.cameraScan';
const KNOWN_FAILURES = ['NotAllowedError', 'NotFoundError', 'NotReadableError', 'OverconstrainedError', 'ended', 'unsupported'] as const;
type Failure = (typeof KNOWN_FAILURES)[number] | 'other';

function rememberedOn(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) !== 'off';
  } catch {
    return true;
  }
}

function failureOf(error: unknown): Failure {
  const name = error instanceof Error ? error.name : '';
  return (KNOWN_FAILURES as readonly string[]).includes(name) ? (name as Failure) : 'other';
}

interface Props {
  onCode: (text: string) => void;
}

/** The station camera reads the phone QR while the student stands at the desk. Decoding runs in a
 * worker, so the screen never stalls; a camera that fails or is unplugged is said plainly, blocks
 * nothing, and is retried by itself when a camera is plugged in again. */
export function CameraScanPanel({ onCode }: Props) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [on, setOn] = useState(rememberedOn);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    try {
      localStorage.setItem(STORAGE_KEY, on ? 'on' : 'off');
    } catch {
      // A kiosk profile without storage just forgets the choice.
    }
    if (!on) return;
    const devices = navigator.mediaDevices as MediaDevices | undefined;
    if (!devices) {
      setFailure('unsupported');
      return;
    }
    let current = true;
    let opened: MediaStream | null = null;
    setFailure(null);
    devices
      .getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false })
      .then((s) => {
        if (!current) {
          s.getTracks().forEach((track) => track.stop());
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
        if (current) setFailure(failureOf(error));
      });
    // A camera plugged (back) in: try again without the operator doing anything.
    const retry = () => setAttempt((n) => n + 1);
    devices.addEventListener('devicechange', retry);
    return () => {
      current = false;
      devices.removeEventListener('devicechange', retry);
      opened?.getTracks().forEach((track) => track.stop());
      setStream(null);
    };
  }, [on, attempt]);

  useEffect(() => {
    if (video.current) video.current.srcObject = stream;
  }, [stream]);

  const scanner = useQrScanner(stream ? video.current : null, on && stream !== null && failure === null, onCode);

  return (
    <section className="camera-scan" data-testid="camera-scan">
      <div className="camera-scan-head">
        <h2>{t('scan.camera')}</h2>
        <button type="button" className="button button-secondary" onClick={() => setOn((v) => !v)} data-testid="camera-scan-toggle">
          {on ? t('scan.cameraOn') : t('scan.cameraOff')}
        </button>
      </div>
      {on && failure === null && (
        <div className="camera-scan-view">
          <video ref={video} autoPlay muted playsInline data-testid="camera-scan-video" />
          {!stream && <p className="muted">{t('scan.cameraStarting')}</p>}
        </div>
      )}
      {on && failure !== null && (
        <p className="message message-warn" data-testid="camera-scan-failed" data-failure={failure}>
          {t('scan.cameraFailed', { reason: t(`scan.cameraErrors.${failure}`) })}
        </p>
      )}
      {scanner.error !== null && <p className="message message-warn">{scanner.error}</p>}
      <p className="muted">{on ? t('scan.cameraHint') : t('scan.scannerHint')}</p>
    </section>
  );
}
