import { useTranslation } from 'react-i18next';
import type { SyncStatus } from '../../shared/sync/syncStatus';
import { formatBytes } from '../format/bytes';
import { formatClock } from '../format/localTime';

interface Props {
  status: SyncStatus | null;
  onOpen: () => void;
}

type Tone = 'ok' | 'warn' | 'bad' | 'idle';

function tone(s: SyncStatus): Tone {
  if (!s.configured) return 'idle';
  if (s.paused && !s.paused.until) return 'bad';
  if (s.parked.length > 0) return 'bad';
  if (s.online === false) return 'warn';
  return 'ok';
}

/** The top bar's sync light: online or not, what is still to send, and a bar while a photo goes up. */
export function SyncIndicator({ status, onOpen }: Props) {
  const { t } = useTranslation();
  if (!status) return null;
  const state = tone(status);
  const label = !status.configured
    ? t('sync.notConfigured')
    : status.paused && !status.paused.until
      ? t('sync.halted')
      : status.online === false
        ? t('sync.offline')
        : t('sync.online');
  const up = status.uploading;
  return (
    <button type="button" className={`sync-indicator sync-${state}`} onClick={onOpen} data-testid="sync-indicator" data-state={state} title={t('sync.open')}>
      <span className="sync-dot" aria-hidden="true" />
      <span className="sync-label">{label}</span>
      <span className="sync-backlog" data-testid="sync-backlog" data-jobs={status.backlog.jobs}>
        {status.backlog.jobs === 0
          ? t('sync.allSent')
          : status.backlog.bytes > 0
            ? t('sync.backlog', { jobs: status.backlog.jobs, size: formatBytes(status.backlog.bytes) })
            : t('sync.backlogJobs', { jobs: status.backlog.jobs })}
      </span>
      {status.parked.length > 0 && <span className="sync-parked">{t('sync.parkedCount', { count: status.parked.length })}</span>}
      {status.lastSuccessAt && <span className="sync-last">{t('sync.lastSuccess', { time: formatClock(status.lastSuccessAt) })}</span>}
      {up && up.total > 0 && <progress className="sync-progress" max={up.total} value={up.sent} data-testid="sync-progress" />}
    </button>
  );
}
