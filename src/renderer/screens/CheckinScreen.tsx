import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ScanOutcome, ScanSource } from '../../shared/checkin/scanOutcome';
import type { StudentSummary, TaskSummary } from '../../shared/domain/entities';
import { CameraScanPanel } from '../components/CameraScanPanel';
import { ErrorMessage } from '../components/ErrorMessage';
import { FeatureCodePanel } from '../components/FeatureCodePanel';
import { LastFourCheckinPanel } from '../components/LastFourCheckinPanel';
import { ImageScanButton } from '../components/ImageScanButton';
import { ScanNoticePanel } from '../components/ScanNoticePanel';
import { SearchResultRow } from '../components/SearchResultRow';
import { useDebouncedValue } from '../hooks/useDebouncedValue';
import { RetakeList } from '../components/RetakeList';
import { useRpc } from '../hooks/useRpc';
import { warmShot } from '../capture/processShot';
import { SEARCH_QUERY_MAX } from '../../shared/rpc/contract';
import type { ScanNotice } from '../navigation/screens';

const DEBOUNCE_MS = 150;
/** The contract caps a query at 64 characters. */

interface Props {
  task: TaskSummary;
  initialQuery: string;
  notice: ScanNotice | null;
  onOpenStudent: (studentId: string, query: string) => void;
  onScanText: (text: string, source: ScanSource) => void;
  onScanOutcome: (outcome: ScanOutcome, pendingCode: string | null) => void;
  onNoCode: () => void;
  onDismissNotice: () => void;
  onWalkin: (pendingCode: string | null) => void;
  onOpenRetake: (studentId: string) => void;
}

interface SearchResult {
  query: string;
  students: StudentSummary[];
  truncated: boolean;
}

export function CheckinScreen({ task, initialQuery, notice, onOpenStudent, onScanText, onScanOutcome, onNoCode, onDismissNotice, onWalkin, onOpenRetake }: Props) {
  const { t } = useTranslation();
  // The still engine's models load while the student is looked up, not after the shutter (issue 18).
  useEffect(() => warmShot(), []);
  const searchField = useRef<HTMLInputElement>(null);
  const [featureOpen, setFeatureOpen] = useState(false);
  // A dismissed notice hands the keyboard back to the search.
  useEffect(() => {
    if (notice === null && !featureOpen) searchField.current?.focus();
  }, [notice, featureOpen]);
  const client = useRpc();
  const [query, setQuery] = useState(initialQuery);
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState(0);
  // The query the photographer moved the highlight for with ↑/↓ (null: not moved since typing). A
  // highlight chosen by hand is kept when newer results land and is what Enter opens, even on a
  // list that is still the previous query's (the row they chose is the row they see).
  const movedFor = useRef<string | null>(null);
  // Enter pressed before the debounced search caught up with the typing: act once it lands.
  const [enterPending, setEnterPending] = useState(false);
  const trimmed = query.trim();
  const debounced = useDebouncedValue(trimmed, DEBOUNCE_MS);

  useEffect(() => {
    if (debounced === '') {
      setResult(null);
      setError(null);
      return;
    }
    let current = true;
    client.call('students.search', { taskCode: task.code, query: debounced }).then(
      ({ students, truncated }) => {
        if (!current) return;
        setResult({ query: debounced, students, truncated });
        if (movedFor.current === null) setSelected(0);
        else setSelected((s) => Math.min(s, Math.max(0, students.length - 1)));
        setError(null);
      },
      (caught: unknown) => {
        if (current) setError(caught);
      },
    );
    return () => {
      current = false;
    };
  }, [client, task.code, debounced]);

  const fresh = result !== null && result.query === trimmed ? result : null;
  const shown = fresh ?? (trimmed === '' ? null : result);

  useEffect(() => {
    if (!enterPending || trimmed === '') return;
    if (fresh === null) return;
    setEnterPending(false);
    // Only a single hit is unambiguous enough to open without the photographer seeing the list.
    const only = fresh.students.length === 1 ? fresh.students[0] : undefined;
    if (only) onOpenStudent(only.id, query);
  }, [enterPending, fresh, trimmed, query, onOpenStudent]);

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    // The keys move over the list on screen, which may still be the previous query's for a moment.
    const count = shown?.students.length ?? 0;
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (count > 0) setSelected((s) => Math.min(count - 1, s + 1));
        movedFor.current = trimmed;
        break;
      case 'ArrowUp':
        event.preventDefault();
        if (count > 0) setSelected((s) => Math.max(0, s - 1));
        movedFor.current = trimmed;
        break;
      case 'Enter': {
        event.preventDefault();
        if (trimmed === '') break;
        // Without a hand-picked row, Enter on a list from an older query waits for this query's
        // answer: a student number typed fast and Enter must open that student, not the first row
        // of what the first digits matched.
        const chosen = movedFor.current === trimmed ? shown?.students[selected] : undefined;
        const student = fresh?.students[selected] ?? chosen;
        if (student) onOpenStudent(student.id, query);
        else if (fresh === null) setEnterPending(true);
        break;
      }
      case 'Escape':
        // Check-in is the home screen: Esc starts over with the next student. A scan notice on
        // screen goes first: Esc falls through to the window, which dismisses it.
        if (trimmed === '' || notice !== null) break;
        event.preventDefault();
        setQuery('');
        movedFor.current = null;
        setEnterPending(false);
        break;
    }
  };

  const activeId = shown && shown.students[selected] ? `result-${shown.students[selected].id}` : undefined;
  return (
    <main className="screen screen-kiosk checkin-screen">
      <div className="screen-heading">
        <h1>
          {t('checkin.title')} · {task.name}
        </h1>
        <p className="muted">{t('checkin.hint')}</p>
      </div>
      {/* The search and its results keep the wide column; the camera, the other ways in and the
          retakes sit beside them, so neither pushes the results below the fold. */}
      <div className="checkin-layout">
        <section className="checkin-main">
          {notice && (
            <ScanNoticePanel
              notice={notice}
              onOpenStudent={(id) => onOpenStudent(id, '')}
              onSearchByHand={() => {
                onDismissNotice();
                searchField.current?.focus();
              }}
              onRegisterPending={(code) => onWalkin(code)}
              onDismiss={onDismissNotice}
            />
          )}
          {/* A 散排 task checks in by ID last 4 alone; a 集中 task by ID last 4 and the 特征码. */}
          {featureOpen &&
            (task.checkinMode === '散排' ? (
              <LastFourCheckinPanel task={task} onOpenStudent={(id) => onOpenStudent(id, query)} />
            ) : (
              <FeatureCodePanel task={task} onOpenStudent={(id) => onOpenStudent(id, query)} />
            ))}
          <label htmlFor="student-search" className="visually-hidden">
            {t('checkin.searchLabel')}
          </label>
          <input
            ref={searchField}
            id="student-search"
            className="search-input"
            type="search"
            autoFocus={!featureOpen && notice === null}
            autoComplete="off"
            spellCheck={false}
            maxLength={SEARCH_QUERY_MAX}
            placeholder={t('checkin.placeholder')}
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              movedFor.current = null;
              setEnterPending(false);
            }}
            onKeyDown={onKeyDown}
            role="combobox"
            aria-expanded={shown !== null && shown.students.length > 0}
            aria-controls="search-results"
            aria-activedescendant={activeId}
            aria-autocomplete="list"
            data-testid="search-input"
          />
          <div className="search-status" aria-live="polite">
            {error !== null && <ErrorMessage error={error} />}
            {trimmed !== '' && fresh === null && error === null && <p className="muted">{t('checkin.searching')}</p>}
            {fresh !== null && fresh.students.length === 0 && (
              <p className="message message-info" data-testid="search-empty">
                {t('checkin.notFound')}
              </p>
            )}
            {fresh !== null && fresh.truncated && (
              <p className="message message-warn" data-testid="search-truncated">
                {t('checkin.truncated')}
              </p>
            )}
          </div>
          {shown !== null && shown.students.length > 0 && (
            <ul id="search-results" className={`result-list ${fresh === null ? 'result-list-stale' : ''}`} role="listbox" aria-label={t('checkin.searchLabel')}>
              {shown.students.map((student, index) => (
                <SearchResultRow
                  key={student.id}
                  id={`result-${student.id}`}
                  student={student}
                  selected={index === selected}
                  onOpen={(s) => onOpenStudent(s.id, query)}
                />
              ))}
            </ul>
          )}
        </section>
        <aside className="checkin-side">
          <CameraScanPanel onCode={(text) => onScanText(text, 'camera')} />
          <div className="checkin-tool-buttons">
            <ImageScanButton task={task} onOutcome={onScanOutcome} onNoCode={onNoCode} />
            <button type="button" className="button button-secondary" onClick={() => setFeatureOpen((v) => !v)} aria-expanded={featureOpen} data-testid="feature-code-toggle">
              {t(task.checkinMode === '散排' ? 'lastFour.button' : 'featureCode.button')}
            </button>
            <button type="button" className="button button-secondary" onClick={() => onWalkin(null)} data-testid="walkin-button">
              {t('walkin.button')}
            </button>
          </div>
          {trimmed === '' && <RetakeList task={task} onOpenStudent={onOpenRetake} />}
        </aside>
      </div>
    </main>
  );
}
