import { useTranslation } from 'react-i18next';
import { SoundSwitch } from './SoundSwitch';
import type { Operator, TaskSummary } from '../../shared/domain/entities';
import type { AppInfo } from '../navigation/sessionState';
import type { ScreenName } from '../navigation/screens';
import { LanguageSwitch } from './LanguageSwitch';
import { NavButton } from './NavButton';
import { SyncIndicator } from './SyncIndicator';
import { useSyncStatus } from '../hooks/useSyncStatus';

export type NavTarget = 'checkin' | 'queue' | 'tasks' | 'sync' | 'print' | 'manager';

interface Props {
  info: AppInfo;
  operator: Operator;
  task: TaskSummary | null;
  current: ScreenName;
  onNavigate: (target: NavTarget) => void;
  onLogout: () => void;
}

/** The student card and capture screens belong to the check-in flow, so that tab stays lit. */
function activeTab(current: ScreenName): NavTarget | null {
  if (current === 'checkin' || current === 'student' || current === 'capture') return 'checkin';
  if (current === 'queue') return 'queue';
  if (current === 'tasks') return 'tasks';
  if (current === 'print') return 'print';
  if (current === 'manager') return 'manager';
  return null;
}

export function TopBar({ info, operator, task, current, onNavigate, onLogout }: Props) {
  const { t } = useTranslation();
  const active = activeTab(current);
  const sync = useSyncStatus();
  return (
    <header className="top-bar">
      <div className="top-bar-context">
        <span className="top-bar-item">
          <span className="top-bar-label">{t('nav.station')}</span>
          <span className="top-bar-value">{info.stationName}</span>
        </span>
        <span className="top-bar-item">
          <span className="top-bar-label">{t('nav.task')}</span>
          <span className="top-bar-value" data-testid="current-task">
            {task ? task.code : t('nav.noTask')}
          </span>
        </span>
        <span className="top-bar-item">
          <span className="top-bar-label">{t('nav.operator')}</span>
          <span className="top-bar-value" data-testid="current-operator">
            {t('nav.operatorWithRole', { name: operator.name, role: t(`role.${operator.role}`) })}
          </span>
        </span>
      </div>
      <nav className="top-bar-nav" aria-label={t('nav.main')}>
        <NavButton label={t('nav.checkin')} active={active === 'checkin'} disabled={!task} testId="nav-checkin" onClick={() => onNavigate('checkin')} />
        <NavButton label={t('nav.queue')} active={active === 'queue'} disabled={!task} testId="nav-queue" onClick={() => onNavigate('queue')} />
        <NavButton label={t('nav.tasks')} active={active === 'tasks'} disabled={false} testId="nav-tasks" onClick={() => onNavigate('tasks')} />
        <NavButton label={t('nav.print')} active={active === 'print'} disabled={!task} testId="nav-print" onClick={() => onNavigate('print')} />
        {operator.role === 'manager' && <NavButton label={t('manager.nav')} active={active === 'manager'} disabled={false} testId="nav-manager" onClick={() => onNavigate('manager')} />}
      </nav>
      <div className="top-bar-tools">
        <SyncIndicator status={sync} onOpen={() => onNavigate('sync')} />
        <SoundSwitch />
        <LanguageSwitch />
        <button type="button" className="button button-quiet" onClick={onLogout} data-testid="logout">
          {t('nav.logout')}
        </button>
      </div>
    </header>
  );
}
