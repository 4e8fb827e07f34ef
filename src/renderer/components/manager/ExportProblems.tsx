import { useTranslation } from 'react-i18next';
import type { ExportProblem } from '../../../shared/export/exportTypes';
import { useLanguage } from '../../hooks/useLanguage';

/** Naming collisions, missing fields and photos the export could not take, in the operator's language. */
export function ExportProblems({ problems }: { problems: readonly ExportProblem[] }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  if (problems.length === 0) return null;
  return (
    <div className="manager-problems" data-testid="export-problems">
      <h4>{t('manager.export.problems')}</h4>
      <ul>
        {problems.map((p, i) => (
          <li key={`${i}-${p.kind}`} data-kind={p.kind}>
            {language === 'en' ? p.en : p.zh}
          </li>
        ))}
      </ul>
    </div>
  );
}
