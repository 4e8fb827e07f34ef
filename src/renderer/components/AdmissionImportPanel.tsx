import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TaskSummary } from '../../shared/domain/entities';
import type { OutputOf } from '../../shared/rpc/contract';
import { useBusyAction } from '../hooks/useBusyAction';
import { useRpc } from '../hooks/useRpc';
import { ErrorMessage } from './ErrorMessage';

interface Props {
  tasks: readonly TaskSummary[];
  defaultTaskCode: string | null;
}

type Report = OutputOf<'faceMatch.importFolder'>;

/**
 * Site managers load the admission photos (录取照片) the school sends: a folder on this station whose
 * files are named by ID number or 学号. What matched, what did not and why is listed, so a wrong
 * file name is fixed before the students arrive rather than discovered at the camera.
 */
export function AdmissionImportPanel({ tasks, defaultTaskCode }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  const [taskCode, setTaskCode] = useState(defaultTaskCode ?? tasks[0]?.code ?? '');
  const [folder, setFolder] = useState('');
  const [report, setReport] = useState<Report | null>(null);
  const { busy, error, act } = useBusyAction();
  const target = tasks.some((task) => task.code === taskCode) ? taskCode : (tasks[0]?.code ?? '');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setReport(null);
    void act(async () => setReport(await client.call('faceMatch.importFolder', { taskCode: target, folder: folder.trim() })));
  };

  const withIssues = report?.imported.filter((i) => !i.faceFound || i.issues.length > 0) ?? [];
  return (
    <form className="panel roster-panel" aria-labelledby="admission-title" onSubmit={submit} data-testid="admission-import">
      <h2 id="admission-title">{t('admissionImport.title')}</h2>
      <p className="muted">{t('admissionImport.hint')}</p>
      <div className="roster-controls">
        {tasks.length > 1 && (
          <label className="inline-field">
            <span className="field-label">{t('roster.chooseTask')}</span>
            <select value={target} onChange={(e) => setTaskCode(e.target.value)} disabled={busy}>
              {tasks.map((task) => (
                <option key={task.code} value={task.code}>
                  {task.code} · {task.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="inline-field admission-folder-field">
          <span className="field-label">{t('admissionImport.folder')}</span>
          <input className="admission-folder-input" value={folder} onChange={(e) => setFolder(e.target.value)} spellCheck={false} placeholder="/media/…/录取照片" data-testid="admission-folder" />
        </label>
        <button type="submit" className="button button-secondary" disabled={busy || !target || !folder.trim()} data-testid="admission-import-button">
          {busy ? t('admissionImport.importing') : t('admissionImport.import')}
        </button>
      </div>
      {error !== null && <ErrorMessage error={error} />}
      {report && (
        <div className="message message-info" role="status" data-testid="admission-report">
          <p>{t('admissionImport.summary', { files: report.files, imported: report.imported.length, unchanged: report.unchanged.length })}</p>
          {withIssues.length > 0 && (
            <p className="message-warn" data-testid="admission-issues">
              {t('admissionImport.issues', { names: withIssues.map((i) => i.studentName).join('、') })}
            </p>
          )}
          {report.unknown.length > 0 && <p data-testid="admission-unknown">{t('admissionImport.unknown', { files: report.unknown.join('、') })}</p>}
          {report.ambiguous.length > 0 && <p>{t('admissionImport.ambiguous', { files: report.ambiguous.join('、') })}</p>}
          {report.failed.map((f) => (
            <p key={f.file}>
              {f.file}: {f.zh} / {f.en}
            </p>
          ))}
        </div>
      )}
    </form>
  );
}
