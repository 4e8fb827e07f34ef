import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CAMERA_KINDS } from '../../shared/rpc/contract';
import { useLoader } from '../hooks/useLoader';
import { useRpc } from '../hooks/useRpc';
import { ErrorMessage } from './ErrorMessage';

type Kind = (typeof CAMERA_KINDS)[number];

/** Site managers choose the station camera: the webcam, a tether tool's hot folder, or the demo camera. */
export function CameraSettingsPanel() {
  const { t } = useTranslation();
  const client = useRpc();
  const current = useLoader(() => client.call('camera.get', {}), [client]);
  const [kind, setKind] = useState<Kind>('uvc');
  const [folder, setFolder] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!current.data) return;
    setKind(current.data.kind);
    setFolder(current.data.hotFolder ?? '');
  }, [current.data]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await client.call('camera.set', { kind, hotFolder: folder.trim() || null });
      setSaved(true);
      current.reload();
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
        <button type="submit" className="button button-primary" data-testid="camera-save">
          {t('camera.save')}
        </button>
      </div>
      {saved && <p className="message message-info">{t('camera.saved')}</p>}
      {error !== null && <ErrorMessage error={error} />}
    </form>
  );
}
