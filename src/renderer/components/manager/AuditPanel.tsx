import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntryView } from '../../../shared/report/managerTypes';
import { useRpc } from '../../hooks/useRpc';
import { ErrorMessage } from '../ErrorMessage';
import { useLanguage } from '../../hooks/useLanguage';
import { actionWords, AUDIT_FILTERS, detailWords, inLang, localStamp } from './auditWords';

const PAGE = 100;

/** Who did what, when and why, newest first; a page at a time. */
export function AuditPanel() {
  const { t } = useTranslation();
  const { language } = useLanguage();
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
            {AUDIT_FILTERS.map((f) => (
              <option key={f.prefix} value={f.prefix}>
                {inLang(f.label, language)}
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
                <td className="numeric">{localStamp(e.at)}</td>
                <td>{e.operatorName ?? t('manager.audit.nobody')}</td>
                <td className="manager-audit-action">{actionWords(e.action, language)}</td>
                <td data-testid="audit-subject">
                  {e.student ? (
                    <>
                      {e.student.nameMasked}
                      {e.student.studentNo && <span className="cell-secondary">{t('manager.audit.studentNo', { no: e.student.studentNo })}</span>}
                    </>
                  ) : e.entity === 'task' && e.entityId ? (
                    t('manager.audit.task', { code: e.entityId })
                  ) : (
                    ''
                  )}
                </td>
                <td className="manager-audit-detail">{detailWords(e.action, e.detail, language)}</td>
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
