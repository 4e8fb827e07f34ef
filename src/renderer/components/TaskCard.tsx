import { useTranslation } from 'react-i18next';
import type { TaskSummary } from '../../shared/domain/entities';
import { useSessionDatesLabel } from '../hooks/useSessionDatesLabel';
import { Figure } from './Figure';

interface Props {
  task: TaskSummary;
  current: boolean;
  onOpen: (task: TaskSummary) => void;
  autoFocus: boolean;
}

/** The whole card is one button, so Tab, Enter and a tap all open the task. */
export function TaskCard({ task, current, onOpen, autoFocus }: Props) {
  const { t } = useTranslation();
  const dates = useSessionDatesLabel(task.sessionDates);
  return (
    <button
      type="button"
      autoFocus={autoFocus}
      className={`task-card ${current ? 'task-card-current' : ''}`}
      onClick={() => onOpen(task)}
      data-testid={`task-card-${task.code}`}
      data-roving-item
    >
      <span className="task-card-head">
        <span className="task-code">{task.code}</span>
        {current && <span className="badge badge-info">{t('tasks.current')}</span>}
      </span>
      <span className="task-name">{task.name}</span>
      <span className="task-card-body">
        <span className="task-facts">
          <span>
            <span className="fact-label">{t('tasks.school')}</span> {task.schoolName}
          </span>
          <span>
            <span className="fact-label">{t('tasks.site')}</span> {task.site}
          </span>
          <span>
            <span className="fact-label">{t('tasks.dates')}</span> {dates}
          </span>
        </span>
        <span className="task-figures">
          <Figure value={task.studentCount} label={t('tasks.students')} />
          <Figure value={task.capturedCount} label={t('tasks.captured')} tone="good" />
        </span>
      </span>
    </button>
  );
}
