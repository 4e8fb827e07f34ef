import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { ScanOutcome, ScanSource } from '../shared/checkin/scanOutcome';
import type { Operator, StudentCard, TaskSummary } from '../shared/domain/entities';
import { missingCaseError } from '../shared/errors';
import { ConnectionBanner } from './components/ConnectionBanner';
import { Bilingual } from './components/Bilingual';
import { ScanHintMessage } from './components/ScanHintMessage';
import { useRpcEvent } from './hooks/useRpcEvent';
import { TopBar, type NavTarget } from './components/TopBar';
import { useConnectionState } from './hooks/useConnectionState';
import { useRpc } from './hooks/useRpc';
import { useScannerWedge } from './hooks/useScannerWedge';
import { useStation } from './hooks/useStation';
import { useWindowKeydown } from './hooks/useWindowKeydown';
import { playCue } from './sound/soundCues';
import { findRememberedTask } from './navigation/findRememberedTask';
import { rememberTask } from './navigation/rememberedTask';
import { useScanGuard } from './navigation/scanGuard';
import { screenForScan } from './navigation/scanOutcomeScreen';
import type { CheckinOutcome, LoginNotice, Screen } from './navigation/screens';
import { initialSession, sessionReducer } from './navigation/sessionState';
import { BootScreen } from './screens/BootScreen';
import { CaptureScreen } from './screens/CaptureScreen';
import { CheckinScreen } from './screens/CheckinScreen';
import { LoginScreen } from './screens/LoginScreen';
import { QueueScreen } from './screens/QueueScreen';
import { SyncScreen } from './screens/SyncScreen';
import { PrintScreen } from './screens/PrintScreen';
import { ManagerScreen } from './screens/ManagerScreen';
import { useIdleLock } from './components/manager/useIdleLock';
import { StudentCardScreen } from './screens/StudentCardScreen';
import { TaskSelectScreen } from './screens/TaskSelectScreen';
import { WalkinScreen } from './screens/WalkinScreen';

const HOTKEYS: Record<string, NavTarget> = { F2: 'checkin', F3: 'queue', F4: 'tasks', F6: 'sync', F7: 'print', F8: 'manager' };
/** Screens where a scan means "the next student": anywhere else it is held off with a hint. */
const SCAN_SCREENS: readonly string[] = ['checkin', 'student', 'queue'];
const CAMERA_REPEAT_MS = 8000;
type ScanHint = 'scan.loginFirst' | 'scan.finishFormFirst' | 'scan.finishCaptureFirst' | 'scan.imeOn';

export function App() {
  const client = useRpc();
  const { session, connection } = useStation();
  const { openCount } = useConnectionState();
  const [state, dispatch] = useReducer(sessionReducer, initialSession);
  const [bootError, setBootError] = useState<unknown>(null);
  const [bootAttempt, setBootAttempt] = useState(0);
  const loggedIn = state.phase === 'ready' && state.operator !== null;

  // The service keeps one session per connection, so a new socket usually means a logged-out one;
  // say so rather than a vague "expired" when that is what happened.
  // Read at the moment of the callback, not from a render that may be stale.
  const openCountNow = useCallback(() => connection.getSnapshot().openCount, [connection]);
  const openCountAtLogin = useRef(openCount);

  // Boot: who is this station, and is someone already logged in (an Electron reload keeps the session)?
  useEffect(() => {
    if (state.phase !== 'booting') return;
    let current = true;
    setBootError(null);
    const boot = async () => {
      const [info, me] = await Promise.all([client.call('app.info', {}), client.call('auth.me', {})]);
      const task = me.operator ? await findRememberedTask(client) : null;
      return { info, operator: me.operator, task };
    };
    boot().then(
      (booted) => {
        if (!current) return;
        openCountAtLogin.current = openCountNow();
        dispatch({ type: 'booted', ...booted });
      },
      (error: unknown) => {
        if (current) setBootError(error);
      },
    );
    return () => {
      current = false;
    };
  }, [client, state.phase, bootAttempt]);

  // A boot that failed for want of a connection retries by itself once the socket is back.
  useEffect(() => {
    if (state.phase === 'booting' && bootError !== null) setBootAttempt((n) => n + 1);
    // Only a change of connection should trigger this, not the error appearing.
  }, [openCount]);

  const endSession = useCallback((notice: LoginNotice) => dispatch({ type: 'loggedOut', notice }), []);

  useEffect(
    () => session.onUnauthenticated(() => endSession(openCountNow() !== openCountAtLogin.current ? 'reconnect' : 'expired')),
    [session, endSession, openCountNow],
  );

  // A new socket is a new, logged-out session on the service: no need to ask it.
  useEffect(() => {
    if (loggedIn && openCount !== openCountAtLogin.current) endSession('reconnect');
  }, [openCount, loggedIn, endSession]);

  // Counts navigations, so an answer that arrives after the operator moved on does not drag them back.
  const navigations = useRef(0);
  const navigate = useCallback((screen: Screen) => {
    navigations.current++;
    dispatch({ type: 'navigate', screen });
  }, []);

  const goTo = useCallback(
    (target: NavTarget) => {
      if (target === 'checkin') navigate({ name: 'checkin', query: '' });
      else if (target === 'queue') navigate({ name: 'queue' });
      else if (target === 'sync') navigate({ name: 'sync' });
      else if (target === 'print') navigate({ name: 'print' });
      else if (target === 'manager') {
        // F8 is the site manager's; for a photographer it does nothing.
        if (state.phase === 'ready' && state.operator?.role === 'manager') navigate({ name: 'manager' });
      }
      else navigate({ name: 'tasks' });
    },
    [navigate, state],
  );

  useWindowKeydown((event) => {
    const target = HOTKEYS[event.key];
    if (!target) return;
    // Even when logged out, keep F3 (find) and friends from doing browser things on a kiosk.
    event.preventDefault();
    if (loggedIn) goTo(target);
  });

  const currentTask = state.phase === 'ready' ? state.task : null;
  const currentScreen = state.phase === 'ready' ? state.screen.name : 'login';
  const scanGuard = useScanGuard();
  const [scanHint, setScanHint] = useState<ScanHint | null>(null);
  useEffect(() => {
    if (!scanHint) return;
    const timer = setTimeout(() => setScanHint(null), 5000);
    return () => clearTimeout(timer);
  }, [scanHint]);
  // A shot the camera delivered while nobody was being photographed: said on every screen.
  const [unfiled, setUnfiled] = useState<{ file: string; held: boolean } | null>(null);
  useRpcEvent('capture.unassigned', ({ file, heldId }) => setUnfiled({ file, held: heldId !== undefined }));
  // The code that just opened a card is still in front of the camera when the operator comes back.
  const lastCameraCode = useRef<{ text: string; at: number } | null>(null);

  const showScanOutcome = useCallback(
    (outcome: ScanOutcome, text: string | null) => {
      playCue(outcome.kind === 'student' ? 'scan-accepted' : 'scan-refused');
      navigate(screenForScan(outcome, text));
    },
    [navigate],
  );
  const scanText = useCallback(
    (text: string, source: ScanSource) => {
      if (!currentTask) return;
      if (source === 'camera') {
        const last = lastCameraCode.current;
        if (last && last.text === text && Date.now() - last.at < CAMERA_REPEAT_MS) return;
        lastCameraCode.current = { text, at: Date.now() };
      }
      const asked = navigations.current;
      client.call('checkin.scan', { taskCode: currentTask.code, text, source }).then(
        ({ outcome }) => {
          if (navigations.current === asked) showScanOutcome(outcome, text);
        },
        (error: unknown) => {
          playCue('scan-refused');
          if (navigations.current === asked) navigate({ name: 'checkin', query: '', notice: { kind: 'error', error } });
        },
      );
    },
    [client, currentTask, navigate, showScanOutcome],
  );
  // The scanner is listened to on every screen, so a burst never lands in a form as typing; it is
  // acted on only where a next student may walk up, and never over a half-filled form.
  useScannerWedge(
    {
      onScan: (text) => {
        if (!loggedIn || !currentTask) setScanHint('scan.loginFirst');
        else if (currentScreen === 'capture') setScanHint('scan.finishCaptureFirst');
        else if (!SCAN_SCREENS.includes(currentScreen) || scanGuard.held()) setScanHint('scan.finishFormFirst');
        else scanText(text, 'scanner');
      },
      onUnreadable: () => setScanHint('scan.imeOn'),
    },
    state.phase === 'ready',
  );

  const onLoggedIn = async (operator: Operator) => {
    openCountAtLogin.current = openCountNow();
    const task = await findRememberedTask(client);
    dispatch({ type: 'loggedIn', operator, task });
  };

  const onLogout = async () => {
    try {
      await client.call('auth.logout', {});
    } catch (error) {
      // Leave the screen anyway: an unattended kiosk must never stay logged in on screen.
      console.warn('logout call failed', error);
    }
    rememberTask(null);
    endSession('logout');
  };

  // The station locks itself after the site manager's idle time (settings.get); 0 never.
  const [idleMinutes, setIdleMinutes] = useState(0);
  useEffect(() => {
    if (!loggedIn) return;
    let current = true;
    client.call('settings.get', {}).then(
      (s) => current && setIdleMinutes(s.idleLockMinutes),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [client, loggedIn]);
  useIdleLock(idleMinutes, loggedIn, () => {
    // The task stays remembered: whoever logs in next at this station lands on it again.
    void client.call('auth.logout', {}).catch(() => undefined);
    endSession('idle');
  });

  const onTaskChosen = (task: TaskSummary) => {
    rememberTask(task.code);
    dispatch({ type: 'taskChosen', task });
  };

  if (state.phase === 'booting') {
    return (
      <>
        <ConnectionBanner />
        <BootScreen error={bootError} onRetry={() => setBootAttempt((n) => n + 1)} />
      </>
    );
  }

  const { info, operator, task, screen } = state;
  if (!operator || screen.name === 'login') {
    return (
      <>
        <ConnectionBanner />
        {scanHint && <ScanHintMessage i18nKey={scanHint} />}
        <LoginScreen info={info} notice={screen.name === 'login' ? screen.notice : null} onLoggedIn={(op) => void onLoggedIn(op)} />
      </>
    );
  }

  const renderScreen = () => {
    if (screen.name === 'manager') {
      return <ManagerScreen operator={operator} task={task} onBack={() => navigate(task ? { name: 'checkin', query: '' } : { name: 'tasks' })} onIdleMinutesChanged={setIdleMinutes} />;
    }
    if (screen.name === 'sync') return <SyncScreen operator={operator} onBack={() => navigate(task ? { name: 'checkin', query: '' } : { name: 'tasks' })} />;
    if (screen.name === 'tasks' || !task) {
      return (
        <TaskSelectScreen
          operator={operator}
          currentTask={task}
          onChoose={onTaskChosen}
          onBack={task ? () => navigate({ name: 'checkin', query: '' }) : null}
        />
      );
    }
    switch (screen.name) {
      case 'checkin':
        return (
          <CheckinScreen
            task={task}
            initialQuery={screen.query}
            notice={screen.notice ?? null}
            onOpenStudent={(studentId, query) => navigate({ name: 'student', studentId, returnTo: { name: 'checkin', query } })}
            onScanText={scanText}
            onScanOutcome={showScanOutcome}
            onNoCode={() => {
              playCue('scan-refused');
              navigate({ name: 'checkin', query: '', notice: { kind: 'noCode' } });
            }}
            onDismissNotice={() => navigate({ name: 'checkin', query: '' })}
            onWalkin={(pendingCode) => navigate({ name: 'walkin', pendingCode })}
            onOpenRetake={(studentId) => navigate({ name: 'student', studentId, returnTo: { name: 'checkin', query: '' } })}
          />
        );
      case 'walkin':
        return (
          <WalkinScreen
            task={task}
            pendingCode={screen.pendingCode}
            onCancel={() => navigate({ name: 'checkin', query: '' })}
            onCheckedIn={(studentId, studentName, outcome) => navigate({ name: 'capture', studentId, studentName, outcome })}
          />
        );
      case 'student':
        return (
          <StudentCardScreen
            key={screen.studentId}
            task={task}
            studentId={screen.studentId}
            onBack={() => {
              // Closing a card forgets the code that opened it: the phone still held up to the
              // camera is a deliberate "again", and must open the card again, not be ignored.
              lastCameraCode.current = null;
              navigate(screen.returnTo);
            }}
            onCheckedIn={(student: StudentCard, outcome: CheckinOutcome) =>
              navigate({ name: 'capture', studentId: student.id, studentName: student.name, outcome })
            }
          />
        );
      case 'capture':
        return <CaptureScreen studentName={screen.studentName} outcome={screen.outcome} onBack={() => navigate({ name: 'checkin', query: '' })} />;
      case 'queue':
        return (
          <QueueScreen
            task={task}
            onOpenStudent={(studentId) => navigate({ name: 'student', studentId, returnTo: { name: 'queue' } })}
            onBack={() => navigate({ name: 'checkin', query: '' })}
          />
        );
      case 'print':
        return <PrintScreen task={task} onBack={() => navigate({ name: 'checkin', query: '' })} />;
      default:
        throw missingCaseError(screen);
    }
  };

  return (
    <div className="app-shell">
      <ConnectionBanner />
      <TopBar info={info} operator={operator} task={task} current={screen.name} onNavigate={goTo} onLogout={() => void onLogout()} />
      {scanHint && <ScanHintMessage i18nKey={scanHint} />}
      {unfiled && (
        <p className="message message-warn" role="status" data-testid="unfiled-shot" onClick={() => setUnfiled(null)}>
          <Bilingual i18nKey={unfiled.held ? 'capture.unfiledHeld' : 'capture.unfiled'} values={{ file: unfiled.file }} />
        </p>
      )}
      {renderScreen()}
    </div>
  );
}
