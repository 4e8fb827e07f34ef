import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Operator } from '../../shared/domain/entities';
import { Bilingual } from '../components/Bilingual';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatBytes } from '../format/bytes';
import { formatClock } from '../format/localTime';
import { useBusyAction } from '../hooks/useBusyAction';
import { useRpc } from '../hooks/useRpc';
import { useSyncStatus } from '../hooks/useSyncStatus';

/** The upload's role in words (the protocol's role names are not for operators). */
function uploadRoleKey(role: string) {
  if (role === 'original') return 'sync.roles.original' as const;
  if (role === 'finished') return 'sync.roles.finished' as const;
  if (role === 'admission') return 'sync.roles.admission' as const;
  return 'sync.roles.other' as const;
}

interface Props {
  operator: Operator;
  onBack: () => void;
}

/** Sync in detail: what waits, what is stuck and why; the site manager retries or enrols the station. */
export function SyncScreen({ operator, onBack }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  const status = useSyncStatus();
  const { busy, error, act } = useBusyAction();
  const [serverUrl, setServerUrl] = useState('');
  const [code, setCode] = useState('');
  const manager = operator.role === 'manager';

  const enrol = (event: FormEvent) => {
    event.preventDefault();
    void act(() => client.call('sync.enrol', { serverUrl: serverUrl.trim(), code: code.trim() }).then(() => setCode('')));
  };

  return (
    <main className="screen sync-screen" data-testid="sync-screen">
      <div className="screen-heading">
        <h1>{t('sync.title')}</h1>
        <button type="button" className="button" onClick={onBack}>
          {t('sync.back')}
        </button>
      </div>
      {status && (
        <dl className="sync-facts">
          <dt>{t('sync.server')}</dt>
          <dd data-testid="sync-server">{status.serverUrl ?? t('sync.notConfigured')}</dd>
          <dt>{t('sync.connection')}</dt>
          <dd data-testid="sync-online">{status.online === null ? '—' : status.online ? t('sync.online') : t('sync.offline')}</dd>
          <dt>{t('sync.waiting')}</dt>
          <dd data-testid="sync-backlog">
            {status.backlog.jobs === 0
              ? t('sync.allSent')
              : status.backlog.bytes > 0
                ? t('sync.backlogValue', { jobs: status.backlog.jobs, size: formatBytes(status.backlog.bytes) })
                : t('sync.backlogJobsValue', { jobs: status.backlog.jobs })}
          </dd>
          <dt>{t('sync.lastSuccessLabel')}</dt>
          <dd>{formatClock(status.lastSuccessAt) ?? '—'}</dd>
          {status.lastError && (
            <>
              <dt>{t('sync.lastError')}</dt>
              <dd className="sync-error-text">{status.lastError}</dd>
            </>
          )}
        </dl>
      )}
      {status?.paused && (
        <p className="message message-warn" role="status">
          {status.paused.zh} / {status.paused.en}
        </p>
      )}
      {status?.uploading && (
        <p>
          {t('sync.uploading', { role: t(uploadRoleKey(status.uploading.role)) })}{' '}
          <progress max={status.uploading.total} value={status.uploading.sent} />
        </p>
      )}
      <div className="form-row">
        <button type="button" className="button button-primary" disabled={busy || !status?.configured} onClick={() => void act(() => client.call('sync.now', {}))} data-testid="sync-now">
          {t('sync.now')}
        </button>
        {manager && (status?.parked.length ?? 0) > 0 && (
          <button type="button" className="button" disabled={busy} onClick={() => void act(() => client.call('sync.retryParked', {}))} data-testid="sync-retry-parked">
            {t('sync.retryParked')}
          </button>
        )}
      </div>
      {(status?.parked.length ?? 0) > 0 && (
        <section data-testid="sync-parked">
          <h2>{t('sync.parkedTitle')}</h2>
          <ul className="sync-parked-list">
            {status!.parked.map((p) => (
              <li key={p.id}>
                <strong>{p.studentName ?? p.kind}</strong> — {p.reason} <span className="muted">{formatClock(p.at)}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {manager && (
        <form className="feature-code" onSubmit={enrol} data-testid="sync-enrol">
          <h2>{t('sync.enrolTitle')}</h2>
          <p className="muted">
            <Bilingual i18nKey="sync.enrolHint" />
          </p>
          <div className="form-row">
            <label>
              {t('sync.serverUrl')}
              <input value={serverUrl} onChange={(e) => setServerUrl(e.target.value)} placeholder="https://" spellCheck={false} data-testid="sync-server-url" />
            </label>
            <label>
              {t('sync.enrolCode')}
              <input value={code} onChange={(e) => setCode(e.target.value)} spellCheck={false} autoComplete="off" data-testid="sync-enrol-code" />
            </label>
            <button type="submit" className="button button-primary" disabled={busy || !serverUrl.trim() || code.trim().length < 6} data-testid="sync-enrol-submit">
              {t('sync.enrol')}
            </button>
          </div>
        </form>
      )}
      {error !== null && <ErrorMessage error={error} />}
    </main>
  );
}
