import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AppError } from '../../../shared/errors';
import { DEFAULT_NAME_TEMPLATE, NAME_TEMPLATE_PRESETS, FOLDER_MODES, type ExportFinished, type ExportPlanSummary, type ExportProgress, type ExportRequest, type FolderMode } from '../../../shared/export/exportTypes';
import { formatBytes } from '../../format/bytes';
import { useRpc } from '../../hooks/useRpc';
import { useRpcEvent } from '../../hooks/useRpcEvent';
import { ErrorMessage } from '../ErrorMessage';
import { DestinationPicker } from './DestinationPicker';
import { ExportProblems } from './ExportProblems';
import { useBusyAction } from '../../hooks/useBusyAction';

const CUSTOM = '__custom__';

interface Props {
  taskCode: string;
  from: string;
  to: string;
}

/** The day batch export: choose names, folders and where; preview; run with a progress bar. */
export function ExportPanel({ taskCode, from, to }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  const [preset, setPreset] = useState<string>(DEFAULT_NAME_TEMPLATE);
  const [customTemplate, setCustomTemplate] = useState('{学校编码}_{学号}');
  const [folders, setFolders] = useState<FolderMode>('none');
  const [originals, setOriginals] = useState(false);
  const [zip, setZip] = useState(true);
  const [outDir, setOutDir] = useState('');
  const [reason, setReason] = useState('');
  const [plan, setPlan] = useState<ExportPlanSummary | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [finished, setFinished] = useState<ExportFinished | null>(null);
  const { busy, error, setError, act } = useBusyAction();

  // An export keeps running when the screen is left: pick it (or its outcome) up again.
  useEffect(() => {
    let current = true;
    client.call('export.status', {}).then(
      (s) => {
        if (!current) return;
        if (s.running) {
          runningRef.current = s.running.exportId;
          setRunning(s.running.exportId);
          setProgress(s.running.progress);
        } else if (s.last) setFinished(s.last);
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [client]);

  // Events are matched against a ref set the moment export.start answers, not against rendered
  // state: a small export can finish before React has rendered "running".
  const runningRef = useRef<string | null>(null);
  const lastFinished = useRef<ExportFinished | null>(null);
  useEffect(() => {
    runningRef.current = running;
  }, [running]);
  useRpcEvent('export.progress', (p) => {
    if (p.exportId === runningRef.current) setProgress(p);
  });
  useRpcEvent('export.finished', (f) => {
    lastFinished.current = f;
    if (f.exportId !== runningRef.current) return;
    runningRef.current = null;
    setRunning(null);
    setFinished(f);
  });

  const request = (): ExportRequest => ({
    taskCode,
    from,
    to,
    template: preset === CUSTOM ? customTemplate : preset,
    folders,
    originals,
    zip,
    outDir: outDir.trim(),
    ...(reason.trim() ? { reason: reason.trim() } : {}),
  });

  const preview = () =>
    void act(async () => {
      setPlan(await client.call('export.plan', request()));
    });

  const start = (event: FormEvent) => {
    event.preventDefault();
    void act(async () => {
      setFinished(null);
      setProgress(null);
      setPlan(null);
      const { exportId } = await client.call('export.start', request());
      if (lastFinished.current?.exportId === exportId) {
        setFinished(lastFinished.current);
        return;
      }
      runningRef.current = exportId;
      setRunning(exportId);
    });
  };

  const percent = progress && progress.bytesTotal > 0 ? Math.round((100 * progress.bytesDone) / progress.bytesTotal) : 0;
  const result = finished?.result ?? null;
  const ready = outDir.trim().length > 0 && (preset !== CUSTOM || customTemplate.trim().length > 0);
  return (
    <section className="manager-panel" data-testid="export-panel">
      <form className="manager-form" onSubmit={start}>
        <div className="form-row">
          <label className="manager-field">
            {t('manager.export.template')}
            <select value={preset} onChange={(e) => setPreset(e.target.value)} data-testid="export-template">
              {NAME_TEMPLATE_PRESETS.map((p) => (
                <option key={p} value={p}>
                  {p}.jpg
                </option>
              ))}
              <option value={CUSTOM}>{t('manager.export.customTemplate')}</option>
            </select>
          </label>
          {preset === CUSTOM && (
            <label className="manager-field manager-field-wide">
              {t('manager.export.templateText')}
              <input value={customTemplate} onChange={(e) => setCustomTemplate(e.target.value)} spellCheck={false} data-testid="export-template-custom" />
            </label>
          )}
          <label className="manager-field">
            {t('manager.export.folders')}
            <select value={folders} onChange={(e) => setFolders(e.target.value as FolderMode)} data-testid="export-folders">
              {FOLDER_MODES.map((m) => (
                <option key={m} value={m}>
                  {t(`manager.export.folder.${m}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <p className="muted manager-hint">{t('manager.export.templateHint')}</p>
        <div className="form-row">
          <label className="manager-check">
            <input type="checkbox" checked={originals} onChange={(e) => setOriginals(e.target.checked)} data-testid="export-originals" />
            {t('manager.export.originals')}
          </label>
          <label className="manager-check">
            <input type="checkbox" checked={zip} onChange={(e) => setZip(e.target.checked)} data-testid="export-zip" />
            {t('manager.export.zip')}
          </label>
        </div>
        <DestinationPicker value={outDir} onChange={setOutDir} testId="export-destination" />
        <div className="form-row">
          <label className="manager-field manager-field-wide">
            {t('manager.export.reason')}
            <input value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} data-testid="export-reason" />
          </label>
        </div>
        <div className="action-row">
          <button type="button" className="button" disabled={busy || !ready || running !== null} onClick={preview} data-testid="export-preview">
            {t('manager.export.plan')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy || !ready || running !== null} data-testid="export-start">
            {t('manager.export.start')}
          </button>
          {running && (
            <button type="button" className="button" onClick={() => void act(async () => void (await client.call('export.cancel', { exportId: running })))} data-testid="export-cancel">
              {t('manager.export.cancel')}
            </button>
          )}
        </div>
      </form>
      <p className="message message-info manager-id-notice">{t('manager.export.idNotice')}</p>
      {plan && !running && (
        <div className="manager-plan" data-testid="export-plan">
          <p>
            {t('manager.export.planSummary', {
              students: plan.students,
              photos: plan.photos,
              noShows: plan.noShows,
              notCaptured: plan.notCaptured,
              retakes: plan.retakesPending,
              size: formatBytes(plan.bytesNeeded),
            })}
          </p>
          {plan.sampleNames.length > 0 && (
            <p className="muted">
              {t('manager.export.samples')}: <code>{plan.sampleNames.join('  ')}</code>
            </p>
          )}
          <ExportProblems problems={plan.problems} />
        </div>
      )}
      {running && (
        <div className="manager-progress" data-testid="export-progress" data-phase={progress?.phase ?? 'plan'}>
          <progress max={100} value={percent} aria-label={t('manager.export.start')} />
          <span>
            {percent}% · {t('manager.export.progress', { phase: t(`manager.export.phase.${progress?.phase ?? 'plan'}`), done: progress?.done ?? 0, total: progress?.total ?? 0 })}
          </span>
        </div>
      )}
      {finished?.error && <ErrorMessage error={new AppError(finished.error.code, finished.error)} testId="export-error" />}
      {result && (
        <div className="message message-info manager-result" role="status" data-testid="export-done" data-zip={result.zip ?? ''} data-folder={result.folder}>
          <p className="message-primary">{t('manager.export.finished')}</p>
          <p>{t('manager.export.counts', { students: result.students, photos: result.photos, originals: result.originals, noShows: result.noShows, retakes: result.retakesPending })}</p>
          <p>
            {t('manager.export.folderLabel')}: <code>{result.folder}</code>
          </p>
          {result.zip && (
            <p>
              {t('manager.export.zipLabel')}: <code>{result.zip}</code> <span className="muted">SHA-256 {result.zipSha256?.slice(0, 16)}…</span>
            </p>
          )}
          <ExportProblems problems={result.problems} />
        </div>
      )}
      {error !== null && <ErrorMessage error={error} testId="export-request-error" />}
    </section>
  );
}
