import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CAMERA_KINDS, type OutputOf } from '../../shared/rpc/contract';
import { useLoader } from '../hooks/useLoader';
import { useRpc } from '../hooks/useRpc';
import { ErrorMessage } from './ErrorMessage';

type Kind = (typeof CAMERA_KINDS)[number];

type CameraSettings = OutputOf<'camera.get'>;

/**
 * Site managers choose the station camera: the webcam, a tether tool's hot folder, a DSLR on USB
 * (gphoto2), or the demo camera. The form appears only once the saved settings have arrived, so a
 * slow answer can never overwrite a choice the manager has already started making.
 */
export function CameraSettingsPanel() {
  const { t } = useTranslation();
  const client = useRpc();
  const current = useLoader(() => client.call('camera.get', {}), [client]);
  if (current.data === null) {
    return (
      <section className="feature-code camera-settings" data-testid="camera-settings-loading">
        <h2>{t('camera.title')}</h2>
        {current.error !== null ? <ErrorMessage error={current.error} /> : <p className="muted">{t('camera.loading')}</p>}
      </section>
    );
  }
  return <CameraSettingsForm initial={current.data} />;
}

function CameraSettingsForm({ initial }: { initial: CameraSettings }) {
  const { t } = useTranslation();
  const client = useRpc();
  const dslrSaved = initial.dslr?.settings;
  const [kind, setKind] = useState<Kind>(initial.kind);
  const [folder, setFolder] = useState(initial.hotFolder ?? '');
  // The tethered DSLR (gphoto2): which camera, where shots go, live-view renewal.
  const [dslrCamera, setDslrCamera] = useState(dslrSaved?.model ? `${dslrSaved.model}\n${dslrSaved.port ?? ''}` : '');
  const [captureTarget, setCaptureTarget] = useState<'card' | 'pc'>(dslrSaved?.captureTarget ?? 'card');
  const [keepAlive, setKeepAlive] = useState(dslrSaved?.keepAliveMinutes ?? 25);
  const [detected, setDetected] = useState<{ model: string; port: string }[] | null>(null);
  const [detecting, setDetecting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  const detect = async () => {
    setDetecting(true);
    setError(null);
    try {
      setDetected((await client.call('camera.detect', {})).cameras);
    } catch (caught) {
      setError(caught);
    } finally {
      setDetecting(false);
    }
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      const [model = '', port = ''] = dslrCamera.split('\n');
      const dslr = kind === 'gphoto2' ? { dslr: { model: model || null, port: port || null, captureTarget, keepAliveMinutes: keepAlive } } : {};
      await client.call('camera.set', { kind, hotFolder: folder.trim() || null, ...dslr });
      setSaved(true);
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <form className="feature-code camera-settings" onSubmit={(e) => void save(e)} data-testid="camera-settings">
      <h2>{t('camera.title')}</h2>
      <div className="form-row">
        <label>
          {t('camera.kind')}
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)} data-testid="camera-kind">
            {CAMERA_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`camera.kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        {kind === 'hotfolder' && (
          <label>
            {t('camera.hotFolder')}
            <input value={folder} onChange={(e) => setFolder(e.target.value)} spellCheck={false} data-testid="camera-hot-folder" />
          </label>
        )}
        {kind === 'gphoto2' && (
          <>
            <label>
              {t('dslr.settings.model')}
              <select value={dslrCamera} onChange={(e) => setDslrCamera(e.target.value)} data-testid="dslr-camera">
                <option value="">{t('dslr.settings.anyCamera')}</option>
                {dslrCamera && !detected?.some((c) => `${c.model}\n${c.port}` === dslrCamera) && <option value={dslrCamera}>{dslrCamera.replace('\n', ' · ')}</option>}
                {detected?.map((c) => (
                  <option key={`${c.model}-${c.port}`} value={`${c.model}\n${c.port}`}>
                    {t('dslr.camera', { model: c.model, port: c.port })}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="button button-secondary" onClick={() => void detect()} disabled={detecting} data-testid="dslr-detect">
              {detecting ? t('dslr.settings.detecting') : t('dslr.settings.detect')}
            </button>
            <label>
              {t('dslr.settings.target')}
              <select value={captureTarget} onChange={(e) => setCaptureTarget(e.target.value as 'card' | 'pc')} data-testid="dslr-target">
                <option value="card">{t('dslr.settings.targets.card')}</option>
                <option value="pc">{t('dslr.settings.targets.pc')}</option>
              </select>
            </label>
            <label title={t('dslr.settings.keepAliveHint')}>
              {t('dslr.settings.keepAlive')}
              <input type="number" min={0} max={29} value={keepAlive} onChange={(e) => setKeepAlive(Math.max(0, Math.min(29, Math.round(Number(e.target.value) || 0))))} data-testid="dslr-keepalive" />
            </label>
          </>
        )}
        <button type="submit" className="button button-primary" data-testid="camera-save">
          {t('camera.save')}
        </button>
      </div>
      {kind === 'gphoto2' && detected?.length === 0 && <p className="message message-warn">{t('dslr.settings.none')}</p>}
      {saved && <p className="message message-info">{t('camera.saved')}</p>}
      {error !== null && <ErrorMessage error={error} />}
    </form>
  );
}
