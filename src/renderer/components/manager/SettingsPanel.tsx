import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_IDLE_LOCK_MINUTES, type LockState } from '../../../shared/report/managerTypes';
import { formatClock } from '../../format/localTime';
import { useRpc } from '../../hooks/useRpc';
import { ErrorMessage } from '../ErrorMessage';

interface Props {
  onIdleMinutesChanged: (minutes: number) => void;
}

/** The idle lock and the PIN lock: the station's own security settings, each change audited. */
export function SettingsPanel({ onIdleMinutesChanged }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  // null until the saved value arrives: the field appears only then, so a slow answer never
  // overwrites what the manager has started typing.
  const [minutes, setMinutes] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [saved, setSaved] = useState(false);
  const [lock, setLock] = useState<LockState | null>(null);
  const [unlockReason, setUnlockReason] = useState('');
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let current = true;
    void Promise.all([client.call('settings.get', {}), client.call('auth.lockState', {})]).then(
      ([s, l]) => {
        if (!current) return;
        setMinutes((typed) => typed ?? String(s.idleLockMinutes));
        setLock(l);
      },
      (caught: unknown) => current && setError(caught),
    );
    return () => {
      current = false;
    };
  }, [client]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      const s = await client.call('settings.set', { idleLockMinutes: Number(minutes), ...(reason.trim() ? { reason: reason.trim() } : {}) });
      setMinutes(String(s.idleLockMinutes));
      setSaved(true);
      onIdleMinutesChanged(s.idleLockMinutes);
    } catch (caught) {
      setError(caught);
    }
  };

  const unlock = async () => {
    setError(null);
    try {
      setLock(await client.call('auth.unlock', { reason: unlockReason.trim() }));
      setUnlockReason('');
    } catch (caught) {
      setError(caught);
    }
  };

  const valid = minutes !== null && /^\d+$/.test(minutes) && Number(minutes) <= MAX_IDLE_LOCK_MINUTES;
  return (
    <section className="manager-panel" data-testid="settings-panel">
      {minutes === null && error === null && <p className="muted">{t('manager.settings.loading')}</p>}
      {minutes !== null && (
        <form className="form-row" onSubmit={(e) => void save(e)}>
          <label className="manager-field">
            {t('manager.settings.idleLock')}
            <input type="number" min={0} max={MAX_IDLE_LOCK_MINUTES} value={minutes} onChange={(e) => setMinutes(e.target.value)} data-testid="settings-idle-minutes" />
          </label>
          <label className="manager-field manager-field-wide">
            {t('manager.settings.reason')}
            <input value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="submit" className="button button-primary" disabled={!valid} data-testid="settings-save">
            {t('manager.settings.save')}
          </button>
          {saved && (
            <span className="muted" role="status" data-testid="settings-saved">
              {t('manager.settings.saved')}
            </span>
          )}
        </form>
      )}
      <h3>{t('manager.settings.lockTitle')}</h3>
      {lock && (
        <p data-testid="settings-lock-state" data-locked={lock.locked}>
          {lock.locked ? t('manager.settings.locked', { until: formatClock(lock.until) ?? '' }) : t('manager.settings.notLocked', { failures: lock.failures })}
        </p>
      )}
      {lock?.locked && (
        <div className="form-row">
          <label className="manager-field manager-field-wide">
            {t('manager.settings.unlockReason')}
            <input value={unlockReason} maxLength={200} onChange={(e) => setUnlockReason(e.target.value)} />
          </label>
          <button type="button" className="button" disabled={unlockReason.trim().length < 2} onClick={() => void unlock()}>
            {t('manager.settings.unlock')}
          </button>
        </div>
      )}
      {error !== null && <ErrorMessage error={error} />}
    </section>
  );
}
