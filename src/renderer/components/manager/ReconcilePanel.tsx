import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReconcileReport } from '../../../shared/report/reconcileTypes';
import { formatBytes } from '../../format/bytes';
import { formatClock } from '../../format/localTime';
import { useLoader } from '../../hooks/useLoader';
import { useRpc } from '../../hooks/useRpc';
import { ErrorMessage } from '../ErrorMessage';
import { Figure } from '../Figure';
import { useBusyAction } from '../../hooks/useBusyAction';

/** What the central server confirmed against what is only on this station, and the re-queue button. */
export function ReconcilePanel({ taskCode }: { taskCode: string }) {
  const { t } = useTranslation();
  const client = useRpc();
  const data = useLoader<ReconcileReport>(() => client.call('reconcile.list', { taskCode }), [client, taskCode]);
  const [done, setDone] = useState<{ orders: number; jobs: number } | null>(null);
  const { busy, error, act } = useBusyAction();

  const requeue = () =>
    act(async () => {
      setDone(await client.call('reconcile.requeue', { taskCode, orderIds: null }));
      data.reload();
    });

  const r = data.data;
  return (
    <section className="manager-panel" data-testid="reconcile-panel">
      <p className="muted">{t('manager.reconcile.intro')}</p>
      {data.error !== null && <ErrorMessage error={data.error} />}
      {r && (
        <>
          <div className="figures-row">
            <Figure value={r.summary.orders} label={t('manager.reconcile.orders')} testId="reconcile-orders" />
            <Figure value={r.summary.confirmed} label={t('manager.reconcile.confirmed')} tone="good" testId="reconcile-confirmed" />
            <Figure value={r.summary.inFlight} label={t('manager.reconcile.inFlight')} tone="warn" testId="reconcile-in-flight" />
            <Figure value={r.summary.parked} label={t('manager.reconcile.parked')} tone={r.summary.parked ? 'bad' : 'plain'} testId="reconcile-parked" />
            <Figure value={r.summary.missing} label={t('manager.reconcile.missing')} tone={r.summary.missing ? 'bad' : 'plain'} testId="reconcile-missing" />
            <Figure value={r.summary.otherStation} label={t('manager.reconcile.otherStation')} />
          </div>
          <p>
            {t('manager.reconcile.photosOnlyHere')}: {r.summary.photosOnlyHere} ({formatBytes(r.summary.bytesOnlyHere)})
          </p>
          <div className="action-row">
            <button type="button" className="button button-primary" disabled={busy || r.summary.missing + r.summary.parked === 0} onClick={() => void requeue()} data-testid="reconcile-requeue">
              {t('manager.reconcile.requeue')}
            </button>
            <button type="button" className="button" onClick={data.reload} disabled={data.loading}>
              {t('manager.refresh')}
            </button>
          </div>
          {done && (
            <p className="message message-info" role="status" data-testid="reconcile-done">
              {t('manager.reconcile.requeued', done)}
            </p>
          )}
          {r.orders.length === 0 ? (
            <p data-testid="reconcile-all-confirmed">{t('manager.reconcile.allConfirmed')}</p>
          ) : (
            <div className="table-scroll">
              <table className="data-table">
                <thead>
                  <tr>
                    <th>{t('manager.reconcile.columns.student')}</th>
                    <th>{t('manager.reconcile.columns.status')}</th>
                    <th>{t('manager.reconcile.columns.state')}</th>
                    <th>{t('manager.reconcile.columns.order')}</th>
                    <th>{t('manager.reconcile.columns.photos')}</th>
                    <th>{t('manager.reconcile.columns.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.orders.map((o) => (
                    <tr key={o.orderId} data-testid="reconcile-row" data-state={o.state}>
                      <td>
                        <strong>{o.studentName}</strong> <span className="cell-secondary">{o.studentNo ?? ''}</span>
                        <span className="cell-secondary">{formatClock(o.updatedAt)}</span>
                      </td>
                      <td>{o.status}</td>
                      <td className={`reconcile-${o.state}`}>{t(`manager.reconcile.state.${o.state}`)}</td>
                      <td>
                        r{o.revision} / {o.syncedRevision === null ? '—' : `r${o.syncedRevision}`} · {t(`manager.reconcile.part.${o.order}`)}
                      </td>
                      <td>
                        {o.photos.map((p) => (
                          <span key={p.role} className="manager-part">
                            {t(`manager.reconcile.role.${p.role}`)}: {t(`manager.reconcile.part.${p.state}`)}
                          </span>
                        ))}
                      </td>
                      <td>{o.reason ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {r.truncated && <p className="muted">{t('manager.reconcile.truncated')}</p>}
            </div>
          )}
        </>
      )}
      {error !== null && <ErrorMessage error={error} />}
    </section>
  );
}
