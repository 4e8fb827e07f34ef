import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Operator, TaskSummary } from '../../shared/domain/entities';
import { localDateOf } from '../../shared/localDate';
import { DateField, isIsoDate } from '../components/DateField';
import { AuditPanel } from '../components/manager/AuditPanel';
import { ExportPanel } from '../components/manager/ExportPanel';
import { ReconcilePanel } from '../components/manager/ReconcilePanel';
import { ReportPanel } from '../components/manager/ReportPanel';
import { SettingsPanel } from '../components/manager/SettingsPanel';
import { UpdatePanel } from '../components/manager/UpdatePanel';
import { useLoader } from '../hooks/useLoader';
import { useRpc } from '../hooks/useRpc';

const MANAGER_TABS = ['export', 'report', 'reconcile', 'audit', 'settings', 'updates'] as const;
type ManagerTab = (typeof MANAGER_TABS)[number];

interface Props {
  operator: Operator;
  task: TaskSummary | null;
  onBack: () => void;
  onIdleMinutesChanged: (minutes: number) => void;
}

/** F8, site managers only: the day batch export, the day report, reconciliation, the audit log, settings, the app's version and its updates. */
export function ManagerScreen({ operator, task, onBack, onIdleMinutesChanged }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  const tasks = useLoader(() => client.call('tasks.list', {}).then((r) => r.tasks), [client]);
  const [tab, setTab] = useState<ManagerTab>('export');
  const [taskCode, setTaskCode] = useState(task?.code ?? '');
  const today = localDateOf(new Date());
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const code = taskCode || tasks.data?.[0]?.code || '';
  const rangeOk = isIsoDate(from) && isIsoDate(to) && from <= to;
  const needsRange = tab === 'export' || tab === 'report';
  const needsTask = tab !== 'audit' && tab !== 'settings' && tab !== 'updates';

  if (operator.role !== 'manager') return null;
  return (
    <main className="screen manager-screen" data-testid="manager-screen">
      <div className="screen-heading">
        <h1>{t('manager.title')}</h1>
        <button type="button" className="button" onClick={onBack}>
          {t('manager.back')}
        </button>
      </div>
      <div className="manager-tabs" role="tablist">
        {MANAGER_TABS.map((name) => (
          <button key={name} type="button" role="tab" aria-selected={tab === name} className={`nav-tab ${tab === name ? 'nav-tab-active' : ''}`} onClick={() => setTab(name)} data-testid={`manager-tab-${name}`}>
            {t(`manager.tabs.${name}`)}
          </button>
        ))}
      </div>
      {(needsTask || needsRange) && (
        <div className="form-row manager-scope">
          {needsTask && (
            <label className="manager-field">
              {t('manager.task')}
              <select value={code} onChange={(e) => setTaskCode(e.target.value)} data-testid="manager-task">
                {(tasks.data ?? []).map((tk) => (
                  <option key={tk.code} value={tk.code}>
                    {tk.code} {tk.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          {needsRange && (
            <>
              <DateField label={t('manager.from')} value={from} onChange={setFrom} testId="manager-from" />
              <DateField label={t('manager.to')} value={to} onChange={setTo} testId="manager-to" />
            </>
          )}
        </div>
      )}
      {code && rangeOk && tab === 'export' && <ExportPanel taskCode={code} from={from} to={to} />}
      {code && rangeOk && tab === 'report' && <ReportPanel taskCode={code} from={from} to={to} />}
      {code && tab === 'reconcile' && <ReconcilePanel taskCode={code} />}
      {tab === 'audit' && <AuditPanel />}
      {tab === 'settings' && <SettingsPanel onIdleMinutesChanged={onIdleMinutesChanged} />}
      {tab === 'updates' && <UpdatePanel />}
    </main>
  );
}
