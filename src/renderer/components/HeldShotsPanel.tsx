import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { mediaObjectUrl } from '../capture/stillMedia';
import { formatClock } from '../format/localTime';
import { useLoader } from '../hooks/useLoader';
import { useRpc } from '../hooks/useRpc';
import { useRpcEvent } from '../hooks/useRpcEvent';
import { ErrorMessage } from './ErrorMessage';

interface Props {
  /** The order being photographed: the only one a held shot can be assigned to. */
  orderId: string;
}

/**
 * Shots the camera delivered that were not filed to anyone (nobody in front of the camera, or the
 * next student already checked in): the photographer looks at each and, if it is this student's,
 * assigns it with a reason (audited). Nothing is filed without that.
 */
export function HeldShotsPanel({ orderId }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  const held = useLoader(() => client.call('camera.held', {}), [client]);
  useRpcEvent('capture.unassigned', () => held.reload());
  const [open, setOpen] = useState<string | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!open) return;
    let url: string | null = null;
    let current = true;
    client
      .call('camera.heldUrl', { heldId: open })
      .then((r) => mediaObjectUrl(client, r.url))
      .then(
        (objectUrl) => {
          if (!current) return URL.revokeObjectURL(objectUrl);
          url = objectUrl;
          setPreview(url);
        },
        (caught: unknown) => current && setError(caught),
      );
    return () => {
      current = false;
      if (url) URL.revokeObjectURL(url);
      setPreview(null);
    };
  }, [client, open]);

  const shots = held.data?.held ?? [];
  if (shots.length === 0) return null;

  const assign = async (event: FormEvent) => {
    event.preventDefault();
    if (!open) return;
    setError(null);
    try {
      // The screen adds the shot when the capture.added event comes, like any other camera shot.
      await client.call('camera.assignHeld', { heldId: open, orderId, reason: reason.trim() });
      setOpen(null);
      setReason('');
      held.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <section className="held-shots message message-warn" data-testid="held-shots">
      <h2>{t('dslr.held.title', { n: shots.length })}</h2>
      <ul>
        {shots.map((s) => (
          <li key={s.id} data-testid="held-shot" data-held-id={s.id}>
            <button type="button" className="button button-secondary" onClick={() => setOpen(open === s.id ? null : s.id)} aria-expanded={open === s.id}>
              {formatClock(s.heldAt)} · {s.source} · {t(`dslr.held.reasons.${s.reason}`)}
            </button>
          </li>
        ))}
      </ul>
      {open && (
        <form onSubmit={(e) => void assign(e)} className="held-assign">
          {preview && <img src={preview} alt={t('dslr.held.previewAlt')} className="held-preview" style={{ maxWidth: 240, maxHeight: 320 }} data-testid="held-preview" />}
          <label>
            {t('dslr.held.reasonLabel')}
            <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('dslr.held.reasonPlaceholder')} data-testid="held-reason" />
          </label>
          <div className="action-row">
            <button type="submit" className="button button-primary" disabled={reason.trim().length < 2} data-testid="held-assign">
              {t('dslr.held.assign')}
            </button>
            <button type="button" className="button button-secondary" onClick={() => setOpen(null)}>
              {t('dslr.held.cancel')}
            </button>
          </div>
        </form>
      )}
      {error !== null && <ErrorMessage error={error} />}
    </section>
  );
}
