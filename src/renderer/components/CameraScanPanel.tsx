import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCameraStream } from '../capture/useCameraStream';
import { useQrScanner } from '../scan/useQrScanner';

const STORAGE_KEY = 'campus-capture.cameraScan';
/** A QR code needs no more than 720p; a lighter stream leaves the CPU to the decoder. */
const SCAN_RESOLUTION = { width: 1280, height: 720 };

function rememberedOn(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) !== 'off';
  } catch {
    return true;
  }
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
  const { stream, failure } = useCameraStream(on, SCAN_RESOLUTION);

  useEffect(() => {
    try {
      localStorage.setItem(STORAGE_KEY, on ? 'on' : 'off');
    } catch {
      // A kiosk profile without storage just forgets the choice.
    }
  }, [on]);

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
