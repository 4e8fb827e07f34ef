import { useTranslation } from 'react-i18next';
import type { TaskSummary } from '../../shared/domain/entities';
import { formatClock } from '../format/localTime';
import { useLoader } from '../hooks/useLoader';
import { useRpc } from '../hooks/useRpc';
import { useRpcEvent } from '../hooks/useRpcEvent';

interface Props {
  task: TaskSummary;
  onOpenStudent: (studentId: string) => void;
}

/** Students the central review sent back (被驳回): who, and why, so the photographer fixes exactly that. */
export function RetakeList({ task, onOpenStudent }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  const retakes = useLoader(() => client.call('retakes.list', { taskCode: task.code }), [client, task.code]);
  useRpcEvent('orders.changed', ({ taskCode }) => {
    if (taskCode === task.code) retakes.reload();
  });
  const items = retakes.data?.retakes ?? [];
  if (items.length === 0) return null;
  return (
    <section className="retake-list" data-testid="retake-list" aria-labelledby="retake-title">
      <h2 id="retake-title">{t('retakes.title', { count: items.length })}</h2>
      <ul>
        {items.map((r) => (
          <li key={r.orderId}>
            <button type="button" className="retake-row" onClick={() => onOpenStudent(r.studentId)} data-testid="retake-row">
              <span className="retake-name">{r.name}</span>
              <span className="retake-meta">{[r.studentNo, r.idMasked, r.department].filter(Boolean).join(' · ')}</span>
              <span className="retake-reason">{t('retakes.reason', { reason: r.reason ?? t('retakes.noReason') })}</span>
              {r.decidedAt && <span className="retake-time">{formatClock(r.decidedAt)}</span>}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
