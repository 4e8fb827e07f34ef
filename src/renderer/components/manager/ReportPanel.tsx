import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DayReportView } from '../../../shared/report/DayReportView';
import type { DayReport } from '../../../shared/report/reportTypes';
import { useLanguage } from '../../hooks/useLanguage';
import { useLoader } from '../../hooks/useLoader';
import { useRpc } from '../../hooks/useRpc';
import { ErrorMessage } from '../ErrorMessage';
import { DestinationPicker } from './DestinationPicker';

interface Props {
  taskCode: string;
  from: string;
  to: string;
}

/** The day report on screen (the same SVG charts as the PDF), and the PDF saved to a folder. */
export function ReportPanel({ taskCode, from, to }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  const { language } = useLanguage();
  const report = useLoader<DayReport>(() => client.call('report.day', { taskCode, from, to }), [client, taskCode, from, to]);
  const [outDir, setOutDir] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const [pdfError, setPdfError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const savePdf = async () => {
    setBusy(true);
    setPdfError(null);
    setSaved(null);
    try {
      setSaved((await client.call('report.pdf', { taskCode, from, to, outDir: outDir.trim() })).path);
    } catch (caught) {
      setPdfError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="manager-panel manager-report" data-testid="report-panel">
      <div className="action-row">
        <button type="button" className="button" onClick={report.reload} disabled={report.loading} data-testid="report-refresh">
          {t('manager.refresh')}
        </button>
      </div>
      {report.error !== null && <ErrorMessage error={report.error} />}
      {report.data && <DayReportView report={report.data} lang={language === 'en' ? 'en' : 'zh'} />}
      <div className="manager-pdf">
        <DestinationPicker value={outDir} onChange={setOutDir} testId="report-destination" />
        <button type="button" className="button button-primary" disabled={busy || !outDir.trim()} onClick={() => void savePdf()} data-testid="report-pdf">
          {t('manager.report.pdf')}
        </button>
        {saved && (
          <p className="message message-info" role="status" data-testid="report-pdf-saved">
            {t('manager.report.pdfSaved', { path: saved })}
          </p>
        )}
        {pdfError !== null && <ErrorMessage error={pdfError} />}
      </div>
    </section>
  );
}
