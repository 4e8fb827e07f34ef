import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Operator } from '../../../shared/domain/entities';
import { Pin } from '../../../shared/rpc/contract';
import { useRpc } from '../../hooks/useRpc';
import { ErrorMessage } from '../ErrorMessage';

interface Props {
  onLoggedIn: (operator: Operator) => void;
}

/**
 * Shown on the PIN screen while wrong PINs have the station locked: a site manager unlocks it with
 * their own PIN and a reason (audited) and is logged in. Wrong PINs here extend the lock.
 */
export function LockOverridePanel({ onLoggedIn }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  const [open, setOpen] = useState(false);
  const [pin, setPin] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (!open) {
    return (
      <button type="button" className="button button-wide" onClick={() => setOpen(true)} data-testid="lock-override-open">
        {t('manager.override.open')}
      </button>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const { operator } = await client.call('auth.overrideLock', { pin, reason: reason.trim() });
      onLoggedIn(operator);
    } catch (caught) {
      setError(caught);
      setPin('');
      setBusy(false);
    }
  };

  return (
    <form className="panel manager-override" onSubmit={(e) => void submit(e)} data-testid="lock-override">
      <h2>{t('manager.override.title')}</h2>
      <p className="muted">{t('manager.override.hint')}</p>
      <div className="form-row">
        <label className="manager-field">
          {t('manager.override.pin')}
          <input type="password" inputMode="numeric" autoComplete="off" maxLength={8} value={pin} onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))} data-testid="lock-override-pin" />
        </label>
        <label className="manager-field manager-field-wide">
          {t('manager.override.reason')}
          <input value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} data-testid="lock-override-reason" />
        </label>
      </div>
      {error !== null && <ErrorMessage error={error} testId="lock-override-error" />}
      <div className="action-row">
        <button type="submit" className="button button-primary" disabled={busy || !Pin.safeParse(pin).success || reason.trim().length < 2} data-testid="lock-override-submit">
          {t('manager.override.submit')}
        </button>
        <button type="button" className="button button-quiet" onClick={() => setOpen(false)}>
          {t('manager.override.cancel')}
        </button>
      </div>
    </form>
  );
}
