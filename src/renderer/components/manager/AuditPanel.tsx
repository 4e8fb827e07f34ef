import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntryView } from '../../../shared/report/managerTypes';
import { useRpc } from '../../hooks/useRpc';
import { ErrorMessage } from '../ErrorMessage';

/** Action families worth filtering by (prefixes of the stored action names). */
const FILTERS = ['auth.', 'export.', 'report.', 'reconcile.', 'settings.', 'roster.', 'check.', 'face_match.', 'capture.', 'checkin.', 'student', 'sync.', 'print.', 'audit.'] as const;
const PAGE = 100;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function stamp(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function detailText(detail: Record<string, unknown> | null): string {
  if (!detail) return '';
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
}

/** Who did what, when and why, newest first; a page at a time. */
export function AuditPanel() {
  const { t } = useTranslation();
  const client = useRpc();
  const [filter, setFilter] = useState<string>('');
  const [entries, setEntries] = useState<AuditEntryView[]>([]);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = async (beforeId: number | null) => {
    setError(null);
    try {
      const page = await client.call('audit.list', { beforeId, action: filter || null, limit: PAGE });
      setEntries((old) => (beforeId === null ? page.entries : [...old, ...page.entries]));
      setMore(page.more);
    } catch (caught) {
      setError(caught);
    }
  };

  useEffect(() => {
    void load(null);
  }, [client, filter]);

  return (
    <section className="manager-panel" data-testid="audit-panel">
      <div className="form-row">
        <label className="manager-field">
          {t('manager.audit.filter')}
          <select value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="audit-filter">
            <option value="">{t('manager.audit.all')}</option>
            {FILTERS.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button" onClick={() => void load(null)}>
          {t('manager.refresh')}
        </button>
      </div>
      {error !== null && <ErrorMessage error={error} />}
      <div className="table-scroll">
        <table className="data-table manager-audit">
          <thead>
            <tr>
              <th>{t('manager.audit.columns.at')}</th>
              <th>{t('manager.audit.columns.operator')}</th>
              <th>{t('manager.audit.columns.action')}</th>
              <th>{t('manager.audit.columns.target')}</th>
              <th>{t('manager.audit.columns.detail')}</th>
              <th>{t('manager.audit.columns.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                <td className="numeric">{stamp(e.at)}</td>
                <td>{e.operatorName ?? e.operatorId ?? t('manager.audit.nobody')}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td className="cell-secondary">{e.entity ? `${e.entity} ${e.entityId ?? ''}` : ''}</td>
                <td className="manager-audit-detail">{detailText(e.detail)}</td>
                <td>{e.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more && (
        <button type="button" className="button" onClick={() => void load(entries.at(-1)?.id ?? null)} data-testid="audit-more">
          {t('manager.audit.more')}
        </button>
      )}
    </section>
  );
}
