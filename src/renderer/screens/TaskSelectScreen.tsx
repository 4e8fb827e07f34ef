import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Operator, TaskSummary } from '../../shared/domain/entities';
import { ErrorMessage } from '../components/ErrorMessage';
import { CameraSettingsPanel } from '../components/CameraSettingsPanel';
import { RosterImportPanel } from '../components/RosterImportPanel';
import { AdmissionImportPanel } from '../components/AdmissionImportPanel';
import { TaskCard } from '../components/TaskCard';
import { moveRovingFocus } from '../dom/rovingFocus';
import { useLoader } from '../hooks/useLoader';
import { useRpc } from '../hooks/useRpc';
import { warmShot } from '../capture/processShot';
import { useWindowKeydown } from '../hooks/useWindowKeydown';

interface Props {
  operator: Operator;
  currentTask: TaskSummary | null;
  onChoose: (task: TaskSummary) => void;
  /** Esc returns to the open task, if there is one. */
  onBack: (() => void) | null;
}

export function TaskSelectScreen({ operator, currentTask, onChoose, onBack }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  // The first student's shot: the still engine's models load while the task is picked (issue 18).
  useEffect(() => warmShot(), []);
  const list = useRef<HTMLUListElement>(null);
  const tasks = useLoader(() => client.call('tasks.list', {}).then((r) => r.tasks), [client]);

  useWindowKeydown((event) => {
    if (event.key === 'Escape' && onBack && !event.defaultPrevented && !(event.target instanceof HTMLSelectElement)) {
      event.preventDefault();
      onBack();
    }
  });

  const items = tasks.data ?? [];
  const focusIndex = Math.max(0, currentTask ? items.findIndex((task) => task.code === currentTask.code) : 0);
  return (
    <main className="screen task-screen">
      <div className="screen-heading">
        <h1>{t('tasks.title')}</h1>
        <p className="muted">{t('tasks.hint')}</p>
      </div>
      {tasks.error !== null && <ErrorMessage error={tasks.error} />}
      {tasks.loading && tasks.data === null && <p className="muted">{t('tasks.loading')}</p>}
      {tasks.data !== null && items.length === 0 && <p className="message message-info">{t('tasks.empty')}</p>}
      <ul
        ref={list}
        className="task-list"
        onKeyDown={(event) => {
          if (list.current && moveRovingFocus(list.current, event.key)) event.preventDefault();
        }}
      >
        {items.map((task, index) => (
          <li key={task.code}>
            <TaskCard task={task} current={currentTask?.code === task.code} onOpen={onChoose} autoFocus={index === focusIndex} />
          </li>
        ))}
      </ul>
      {operator.role === 'manager' && tasks.data !== null && (
        <>
          <RosterImportPanel tasks={items} defaultTaskCode={currentTask?.code ?? null} onImported={tasks.reload} />
          <AdmissionImportPanel tasks={items} defaultTaskCode={currentTask?.code ?? null} />
          <CameraSettingsPanel />
        </>
      )}
    </main>
  );
}
