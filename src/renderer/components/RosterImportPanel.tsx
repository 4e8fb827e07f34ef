import { useRef, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { RosterImportReport, TaskSummary } from '../../shared/domain/entities';
import { MAX_UPLOAD_BASE64 } from '../../shared/rpc/contract';
import { base64LengthOf, readFileAsBase64 } from '../format/readFileAsBase64';
import { LocalError } from '../format/describeError';
import { useRpc } from '../hooks/useRpc';
import { ErrorMessage } from './ErrorMessage';
import { RosterReportView } from './RosterReportView';

interface Props {
  tasks: readonly TaskSummary[];
  defaultTaskCode: string | null;
  onImported: () => void;
}

type Phase = 'idle' | 'reading' | 'importing';

/** Site managers only: the service enforces it too; hiding it just keeps photographers' screens simple. */
export function RosterImportPanel({ tasks, defaultTaskCode, onImported }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  const fileInput = useRef<HTMLInputElement>(null);
  const [taskCode, setTaskCode] = useState(defaultTaskCode ?? tasks[0]?.code ?? '');
  const [phase, setPhase] = useState<Phase>('idle');
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<{ fileName: string; report: RosterImportReport } | null>(null);
  const target = tasks.some((task) => task.code === taskCode) ? taskCode : (tasks[0]?.code ?? '');

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    // Cleared at once so picking the same (corrected) file again still fires a change.
    input.value = '';
    if (!file || !target) return;
    setError(null);
    setResult(null);
    try {
      if (base64LengthOf(file.size) > MAX_UPLOAD_BASE64) throw new LocalError('errors.fileTooLarge');
      setPhase('reading');
      const contentBase64 = await readFileAsBase64(file);
      setPhase('importing');
      const { report } = await client.call('roster.import', { taskCode: target, fileName: file.name, contentBase64 });
      setResult({ fileName: file.name, report });
      onImported();
    } catch (caught) {
      setError(caught);
    } finally {
      setPhase('idle');
    }
  };

  const busy = phase !== 'idle';
  return (
    <section className="panel roster-panel" aria-labelledby="roster-title">
      <h2 id="roster-title">{t('roster.title')}</h2>
      <div className="roster-controls">
        {tasks.length > 1 && (
          <label className="inline-field">
            <span className="field-label">{t('roster.chooseTask')}</span>
            <select value={target} onChange={(e) => setTaskCode(e.target.value)} disabled={busy} data-testid="roster-task-select">
              {tasks.map((task) => (
                <option key={task.code} value={task.code}>
                  {task.code} · {task.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" className="button button-secondary" onClick={() => fileInput.current?.click()} disabled={busy || !target} data-testid="roster-import-button">
          {phase === 'reading' ? t('roster.reading') : phase === 'importing' ? t('roster.importing') : t('roster.button')}
        </button>
        <input
          ref={fileInput}
          className="visually-hidden"
          type="file"
          accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
          tabIndex={-1}
          aria-hidden="true"
          onChange={(e) => void importFile(e)}
          disabled={busy || !target}
          data-testid="roster-import-input"
        />
      </div>
      <p className="muted">{t('roster.accepted')}</p>
      {error !== null && <ErrorMessage error={error} testId="roster-error" />}
      {result && <RosterReportView fileName={result.fileName} report={result.report} />}
    </section>
  );
}
