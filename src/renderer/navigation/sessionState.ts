import type { Operator, TaskSummary } from '../../shared/domain/entities';
import type { OutputOf } from '../../shared/rpc/contract';
import { screenNeedsTask, type LoginNotice, type Screen } from './screens';

export type AppInfo = OutputOf<'app.info'>;

export type SessionState =
  | { phase: 'booting' }
  | { phase: 'ready'; info: AppInfo; operator: Operator | null; task: TaskSummary | null; screen: Screen };

export type SessionAction =
  | { type: 'booted'; info: AppInfo; operator: Operator | null; task: TaskSummary | null }
  | { type: 'loggedIn'; operator: Operator; task: TaskSummary | null }
  | { type: 'loggedOut'; notice: LoginNotice }
  | { type: 'taskChosen'; task: TaskSummary }
  | { type: 'navigate'; screen: Screen };

export const initialSession: SessionState = { phase: 'booting' };

function landingScreen(task: TaskSummary | null): Screen {
  return task ? { name: 'checkin', query: '' } : { name: 'tasks' };
}

/** The one place that decides which screen may show: no operator means login, no task means the task list. */
export function sessionReducer(state: SessionState, action: SessionAction): SessionState {
  switch (action.type) {
    case 'booted':
      return {
        phase: 'ready',
        info: action.info,
        operator: action.operator,
        task: action.operator ? action.task : null,
        screen: action.operator ? landingScreen(action.task) : { name: 'login', notice: null },
      };
    case 'loggedIn':
      if (state.phase !== 'ready') return state;
      return { ...state, operator: action.operator, task: action.task, screen: landingScreen(action.task) };
    case 'loggedOut':
      // Already out: keep the notice that explains why, instead of a later, vaguer one.
      if (state.phase !== 'ready' || !state.operator) return state;
      return { ...state, operator: null, task: null, screen: { name: 'login', notice: action.notice } };
    case 'taskChosen':
      if (state.phase !== 'ready' || !state.operator) return state;
      return { ...state, task: action.task, screen: { name: 'checkin', query: '' } };
    case 'navigate': {
      if (state.phase !== 'ready' || !state.operator) return state;
      if (action.screen.name === 'login') return state;
      if (screenNeedsTask(action.screen) && !state.task) return { ...state, screen: { name: 'tasks' } };
      return { ...state, screen: action.screen };
    }
  }
}
