import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UpdateStatus } from '../../../shared/updates/updateStatus';
import { formatClock } from '../../format/localTime';
import { useLanguage } from '../../hooks/useLanguage';
import { useLoader } from '../../hooks/useLoader';
import { useRpc } from '../../hooks/useRpc';
import { ErrorMessage } from '../ErrorMessage';

/** The status is read again this often while the panel is open (a download moves, a capture ends). */
const REFRESH_MS = 10_000;

/**
 * 应用版本 (issue 16): the version this station runs, what the central server's channel offers and
 * how its download stands, and 安装更新, enabled only when the update policy allows a manager's
 * install now; otherwise the reasons are shown, in the operator's language.
 */
export function UpdatePanel() {
  const { t } = useTranslation();
  const client = useRpc();
  const { language } = useLanguage();
  const status = useLoader<UpdateStatus>(() => client.call('updates.status', {}), [client]);
  const [installError, setInstallError] = useState<unknown>(null);
  const [started, setStarted] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { reload } = status;
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const words = (w: { zh: string; en: string }) => (language === 'en' ? w.en : w.zh);
  const s = status.data;
  const u = s?.updater ?? null;

  const install = async () => {
    setBusy(true);
    setInstallError(null);
    try {
      setStarted((await client.call('updates.install', {})).version);
    } catch (caught) {
      setInstallError(caught);
      reload();
    } finally {
      setBusy(false);
    }
  };

  const download = !u
    ? '—'
    : u.download.state === 'downloading'
      ? t('manager.updates.downloading', { version: u.download.version ?? '', percent: u.download.percent === null ? '…' : `${Math.round(u.download.percent)}%` })
      : u.download.state === 'verified'
        ? t('manager.updates.verified', { version: u.download.version ?? '' })
        : t('manager.updates.notDownloaded');

  return (
    <section className="manager-panel" data-testid="update-panel">
      {status.error !== null && <ErrorMessage error={status.error} />}
      {s && (
        <dl className="report-facts update-facts">
          <dt>{t('manager.updates.running')}</dt>
          <dd data-testid="update-running">{s.running}</dd>
          <dt>{t('manager.updates.channel')}</dt>
          <dd data-testid="update-channel">{u ? t(`manager.updates.channels.${u.channel}`) : '—'}</dd>
          <dt>{t('manager.updates.offered')}</dt>
          <dd data-testid="update-offered">
            {!u ? '—' : u.offered ? `${u.offered.version}${u.offered.pinned ? ` ${t('manager.updates.pinned')}` : ''}` : t('manager.updates.notChecked')}
            {u?.lastCheckAt ? ` · ${t('manager.updates.checkedAt', { time: formatClock(u.lastCheckAt) ?? '' })}` : ''}
          </dd>
          <dt>{t('manager.updates.download')}</dt>
          <dd data-testid="update-download" data-state={u?.download.state ?? 'none'}>
            {download}
          </dd>
        </dl>
      )}
      {s?.unavailable && (
        <p className="message message-info" data-testid="update-unavailable">
          {words(s.unavailable)}
        </p>
      )}
      {s && (
        <div className="action-row">
          <button
            type="button"
            className="button button-primary"
            disabled={!s.install.allowed || busy || started !== null}
            onClick={() => void install()}
            data-testid="update-install"
            data-allowed={s.install.allowed}
          >
            {s.install.version ? t('manager.updates.installVersion', { version: s.install.version }) : t('manager.updates.install')}
          </button>
          <button type="button" className="button" onClick={reload} disabled={status.loading} data-testid="update-refresh">
            {t('manager.refresh')}
          </button>
        </div>
      )}
      {s && !s.install.allowed && !s.unavailable && (
        <div data-testid="update-reasons">
          <p className="muted">{t('manager.updates.notNow')}</p>
          <ul>
            {s.install.reasons.map((r) => (
              <li key={r.code} data-code={r.code}>
                {words(r)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {s && u && (
        <p className="muted" data-testid="update-auto">
          {s.autoInstall.reasons.length === 0 ? t('manager.updates.autoReady') : t('manager.updates.autoWaits', { reasons: s.autoInstall.reasons.map(words).join(language === 'en' ? '; ' : '；') })}
        </p>
      )}
      {started && (
        <p className="message message-info" role="status" data-testid="update-started">
          {t('manager.updates.started', { version: started })}
        </p>
      )}
      {installError !== null && <ErrorMessage error={installError} />}
    </section>
  );
}
