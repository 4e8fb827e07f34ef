import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderRow, TaskSummary } from '../../shared/domain/entities';
import { ErrorMessage } from '../components/ErrorMessage';
import { Figure } from '../components/Figure';
import { QueueRow } from '../components/QueueRow';
import { moveRovingFocus } from '../dom/rovingFocus';
import { useConnectionState } from '../hooks/useConnectionState';
import { useLoader } from '../hooks/useLoader';
import { useRpc } from '../hooks/useRpc';
import { isLocalToday } from '../format/localTime';
import { useRpcEvent } from '../hooks/useRpcEvent';
import { useWindowKeydown } from '../hooks/useWindowKeydown';

interface Props {
  task: TaskSummary;
  onOpenStudent: (studentId: string) => void;
  onBack: () => void;
}

/** Several stations may check students in at once; a burst of events becomes one reload. */
const EVENT_COALESCE_MS = 200;

function totals(orders: readonly OrderRow[]) {
  return {
    // The list also holds older orders that changed today; the figures count today's work only.
    checkedIn: orders.filter((o) => isLocalToday(o.checkedInAt)).length,
    captured: orders.filter((o) => isLocalToday(o.capturedAt)).length,
    pendingSync: orders.filter((o) => o.syncState !== 'synced').length,
  };
}

export function QueueScreen({ task, onOpenStudent, onBack }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  const { openCount } = useConnectionState();
  // openCount in the deps: a reconnect may have missed events, so refetch.
  const orders = useLoader(() => client.call('orders.list', { taskCode: task.code }).then((r) => r.orders), [client, task.code, openCount]);
  const table = useRef<HTMLTableSectionElement>(null);
  const refreshButton = useRef<HTMLButtonElement>(null);
  const focusedOnce = useRef(false);
  const coalesce = useRef<ReturnType<typeof setTimeout> | null>(null);

  useRpcEvent('orders.changed', (payload) => {
    if (payload.taskCode !== task.code || coalesce.current !== null) return;
    coalesce.current = setTimeout(() => {
      coalesce.current = null;
      orders.reload();
    }, EVENT_COALESCE_MS);
  });
  useEffect(
    () => () => {
      if (coalesce.current !== null) clearTimeout(coalesce.current);
    },
    [],
  );

  // Focus the first row once the first load lands; later reloads must not yank focus around.
  useEffect(() => {
    if (focusedOnce.current || orders.data === null) return;
    focusedOnce.current = true;
    const firstRow = table.current?.querySelector<HTMLElement>('[data-roving-item]');
    (firstRow ?? refreshButton.current)?.focus();
  }, [orders.data]);

  useWindowKeydown((event) => {
    if (event.key === 'Escape' && !event.defaultPrevented) {
      event.preventDefault();
      onBack();
    }
  });

  const list = orders.data ?? [];
  const sum = totals(list);
  return (
    <main className="screen queue-screen">
      <div className="screen-heading">
        <h1>
          {t('queue.title')} · {task.name}
        </h1>
        <p className="muted">{t('queue.hint')}</p>
      </div>
      <div className="figures-row">
        <Figure value={sum.checkedIn} label={t('queue.totalCheckedIn')} testId="queue-total" />
        <Figure value={sum.captured} label={t('queue.totalCaptured')} tone="good" />
        <Figure value={sum.pendingSync} label={t('queue.totalPendingSync')} tone={sum.pendingSync > 0 ? 'warn' : 'plain'} testId="queue-pending-sync" />
        <button ref={refreshButton} type="button" className="button button-secondary figures-action" onClick={orders.reload} disabled={orders.loading} data-testid="queue-refresh">
          {t('queue.refresh')}
        </button>
      </div>
      {orders.error !== null && <ErrorMessage error={orders.error} />}
      {orders.loading && orders.data === null && <p className="muted">{t('queue.loading')}</p>}
      {orders.data !== null && list.length === 0 && <p className="message message-info">{t('queue.empty')}</p>}
      {list.length > 0 && (
        <div className="table-scroll">
          <table className="data-table queue-table">
            <thead>
              <tr>
                <th scope="col">{t('queue.name')}</th>
                <th scope="col">{t('queue.studentNo')}</th>
                <th scope="col">{t('queue.status')}</th>
                <th scope="col">{t('queue.sync')}</th>
                <th scope="col">{t('queue.operator')}</th>
                <th scope="col">{t('queue.checkedInAt')}</th>
                <th scope="col">{t('queue.capturedAt')}</th>
              </tr>
            </thead>
            <tbody
              ref={table}
              onKeyDown={(event) => {
                if (table.current && moveRovingFocus(table.current, event.key)) event.preventDefault();
              }}
            >
              {list.map((order) => (
                <QueueRow key={order.id} order={order} onOpen={(o) => onOpenStudent(o.studentId)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
