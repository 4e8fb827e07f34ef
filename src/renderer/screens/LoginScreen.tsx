import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Operator } from '../../shared/domain/entities';
import { Bilingual } from '../components/Bilingual';
import { ErrorMessage } from '../components/ErrorMessage';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { LoginNoticeMessage } from '../components/LoginNoticeMessage';
import { PinKeypad } from '../components/PinKeypad';
import { useRpc } from '../hooks/useRpc';
import type { LoginNotice } from '../navigation/screens';
import type { AppInfo } from '../navigation/sessionState';
import { Pin } from '../../shared/rpc/contract';
import { AppError } from '../../shared/errors';
import { LockOverridePanel } from '../components/manager/LockOverridePanel';

const PIN_MAX = 8;

interface Props {
  info: AppInfo;
  notice: LoginNotice | null;
  onLoggedIn: (operator: Operator) => void;
}

export function LoginScreen({ info, notice, onLoggedIn }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [ruleBroken, setRuleBroken] = useState(false);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  // Locked by wrong PINs (now, or already when the screen opened): a site manager may override.
  const [locked, setLocked] = useState(false);
  useEffect(() => {
    let current = true;
    client.call('auth.lockState', {}).then(
      (l) => current && setLocked(l.locked),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [client]);
  const showOverride = locked || (error instanceof AppError && error.code === 'LOCKED');

  const changePin = (next: string) => {
    setPin(next.replace(/\D/g, '').slice(0, PIN_MAX));
    setRuleBroken(false);
  };

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (busy) return;
    if (!Pin.safeParse(pin).success) {
      setRuleBroken(true);
      setError(null);
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { operator } = await client.call('auth.login', { pin });
      onLoggedIn(operator);
    } catch (caught) {
      setError(caught);
      setPin('');
      setBusy(false);
      inputRef.current?.focus();
    }
  };

  return (
    <main className="login-screen">
      <header className="login-header">
        <div>
          <p className="login-app">{t('app.title')}</p>
          <p className="login-station">{info.stationName}</p>
        </div>
        <LanguageSwitch />
      </header>
      <form className="login-form" onSubmit={(e) => void submit(e)} noValidate>
        <h1>{t('login.title')}</h1>
        {notice && <LoginNoticeMessage notice={notice} />}
        <label htmlFor="pin" className="field-label">
          {t('login.pinLabel')}
        </label>
        <input
          id="pin"
          ref={inputRef}
          className="pin-input"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          autoFocus
          maxLength={PIN_MAX}
          value={pin}
          onChange={(e) => changePin(e.target.value)}
          // readOnly rather than disabled: a disabled field drops focus, and Enter must keep working after a wrong PIN.
          readOnly={busy}
          aria-describedby="pin-rule"
          aria-invalid={ruleBroken || error !== null}
          data-testid="pin-input"
        />
        <p id="pin-rule" className="muted">
          {t('login.pinRule')}
        </p>
        {ruleBroken && (
          <p className="message message-error" role="alert" data-testid="login-error">
            <Bilingual i18nKey="login.pinRule" />
          </p>
        )}
        {error !== null && <ErrorMessage error={error} testId="login-error" />}
        <PinKeypad
          disabled={busy}
          onDigit={(d) => changePin(pin + d)}
          onBackspace={() => changePin(pin.slice(0, -1))}
          onClear={() => changePin('')}
        />
        <button type="submit" className="button button-primary button-wide" disabled={busy} data-testid="pin-submit">
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
        {info.demo && (
          <p className="demo-hint" data-testid="demo-hint">
            <Bilingual i18nKey="login.demoHint" />
          </p>
        )}
      </form>
      {showOverride && <LockOverridePanel onLoggedIn={onLoggedIn} />}
    </main>
  );
}
