import { useTranslation } from 'react-i18next';
import type { RosterImportReport } from '../../shared/domain/entities';
import { useLanguage } from '../hooks/useLanguage';
import { Figure } from './Figure';
import { inLanguage } from '../format/bilingual';

interface Props {
  fileName: string;
  report: RosterImportReport;
}

const ENCODING_LABELS: Record<RosterImportReport['encoding'], string> = { 'utf-8': 'UTF-8', gbk: 'GBK', xlsx: 'Excel (.xlsx)' };

export function RosterReportView({ fileName, report }: Props) {
  const { t } = useTranslation();
  const { language, other } = useLanguage();
  return (
    <section className="roster-report" data-testid="roster-report" aria-live="polite">
      <h3>{t('roster.report.title', { fileName })}</h3>
      <div className="figures-row">
        <Figure value={report.totalRows} label={t('roster.report.total')} testId="roster-total" />
        <Figure value={report.imported} label={t('roster.report.imported')} tone="good" testId="roster-imported" />
        <Figure value={report.updated} label={t('roster.report.updated')} testId="roster-updated" />
        <Figure value={report.rejected} label={t('roster.report.rejected')} tone={report.rejected > 0 ? 'bad' : 'plain'} testId="roster-rejected" />
      </div>
      <p>
        <span className="fact-label">{t('roster.report.encoding')}</span> {ENCODING_LABELS[report.encoding]}
      </p>
      <h4>{t('roster.report.problems')}</h4>
      {report.problems.length === 0 ? (
        <p className="muted">{t('roster.report.noProblems')}</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('roster.report.row')}</th>
                <th scope="col">{t('roster.report.field')}</th>
                <th scope="col">{t('roster.report.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {report.problems.map((problem, index) => {
                const text = inLanguage(language, problem);
                return (
                <tr key={`${problem.row}-${problem.reason}-${index}`} data-testid="roster-problem">
                  <td className="numeric">{problem.row}</td>
                  <td>{problem.field ? t(`rosterField.${problem.field}`) : t('fields.empty')}</td>
                  <td>
                    <span className="cell-primary">{text.primary}</span>
                    <span className="cell-secondary" lang={other}>
                      {text.secondary}
                    </span>
                  </td>
                </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
