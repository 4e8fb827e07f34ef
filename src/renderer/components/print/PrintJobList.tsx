import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PrinterInfo, PrintJob, PrintOptions } from '../../../shared/print/printTypes';
import { formatClock } from '../../format/localTime';
import { useLanguage } from '../../hooks/useLanguage';
import { ServiceText } from './ServiceText';

interface Props {
  jobs: readonly PrintJob[];
  options: PrintOptions;
  printers: readonly PrinterInfo[];
  busy: boolean;
  onRetry: (job: PrintJob, printer: string) => void;
  onCancel: (job: PrintJob) => void;
}

const CUPS_STATES = new Set(['pending', 'held', 'processing', 'stopped', 'completed', 'canceled', 'aborted']);

function JobRow({ job, options, printers, busy, onRetry, onCancel }: Omit<Props, 'jobs'> & { job: PrintJob }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const [target, setTarget] = useState(job.printer);
  const layout = options.layouts.find((l) => l.layout.id === job.layoutId);
  const paper = options.papers.find((p) => p.id === job.paperId);
  const what = job.kind === 'sheet' && layout ? (language === 'en' ? layout.counts.en : layout.counts.zh) : t('print.kind.receipt');
  const under = job.state === 'queued' || job.state === 'submitted';
  const retryable = job.state === 'failed' || job.state === 'cancelled' || job.state === 'submitted';
  return (
    <li className={`print-job print-job-${job.state}`} data-testid="print-job" data-job-id={job.id} data-state={job.state} data-kind={job.kind}>
      <div className="print-job-head">
        <span className={`badge print-state print-state-${job.state}`} data-testid="print-job-state">
          {t(`print.state.${job.state}`)}
        </span>
        <span className="print-job-what">
          {what}
          {paper ? ` · ${language === 'en' ? paper.short.en : paper.short.zh}` : ''}
          {job.background ? ` · ${t(`print.${job.background}`)}` : ''} · {t('print.copiesOf', { n: job.copies })}
        </span>
        <span className="muted">
          {job.printer} · {formatClock(job.updatedAt)}
          {job.attempt > 1 ? ` · ${t('print.attempt', { n: job.attempt })}` : ''}
        </span>
      </div>
      {job.state === 'submitted' && job.cupsState && CUPS_STATES.has(job.cupsState) && (
        <p className="print-job-cups">{t(`print.cupsState.${job.cupsState as 'pending'}`)}</p>
      )}
      {job.problem && under && (
        <p className={`message ${job.problem.severity === 'error' ? 'message-error' : 'message-warn'}`} role="status" data-testid="print-job-problem">
          <ServiceText text={job.problem} />
        </p>
      )}
      {job.error && job.state === 'failed' && (
        <p className="message message-error" role="alert" data-testid="print-job-error">
          <ServiceText text={job.error} />
        </p>
      )}
      {(under || retryable) && (
        <div className="print-job-actions">
          {retryable && (
            <>
              <label className="print-inline">
                <span>{t('print.retryOn')}</span>
                <select value={target} onChange={(e) => setTarget(e.target.value)} data-testid="print-job-retry-printer">
                  {[job.printer, ...printers.map((p) => p.name).filter((n) => n !== job.printer)].map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </label>
              <button type="button" className="button button-primary" disabled={busy} onClick={() => onRetry(job, target)} data-testid="print-job-retry">
                {t('print.retry')}
              </button>
            </>
          )}
          {under && (
            <button type="button" className="button button-quiet" disabled={busy} onClick={() => onCancel(job)} data-testid="print-job-cancel">
              {t('print.cancel')}
            </button>
          )}
        </div>
      )}
    </li>
  );
}

/** The order's print jobs as they go: queued, printing (and why it waits), printed, failed (and why). */
export function PrintJobList(props: Props) {
  const { t } = useTranslation();
  return (
    <section className="print-jobs" aria-live="polite">
      <h2>{t('print.jobs')}</h2>
      {props.jobs.length === 0 ? (
        <p className="muted">{t('print.jobsEmpty')}</p>
      ) : (
        <ul className="print-job-list" data-testid="print-jobs">
          {props.jobs.map((job) => (
            <JobRow key={job.id} {...props} job={job} />
          ))}
        </ul>
      )}
    </section>
  );
}
