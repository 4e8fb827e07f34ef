import { useTranslation } from 'react-i18next';
import { useLanguage } from '../hooks/useLanguage';
import { inLanguage } from '../format/bilingual';
import type { Verdict } from '../../shared/vision/verdict';

type Check = Verdict['checks'][number];

function Item({ check, language }: { check: Check; language: ReturnType<typeof useLanguage>['language'] }) {
  const text = inLanguage(language, check);
  return (
    <li className={`verdict-item verdict-${check.status}`} data-check={check.id} data-status={check.status}>
      <span className="verdict-mark" aria-hidden>
        {check.status === 'pass' ? '✓' : check.status === 'warn' ? '!' : '✗'}
      </span>
      <span className="verdict-text">
        <span className="bilingual-primary">{text.primary}</span>
        <span className="bilingual-secondary">{text.secondary}</span>
      </span>
    </li>
  );
}

/** Failed checks first, with what to do about them; then warnings; the passing ones folded into a
 * count the photographer can open, so the few that matter are never pushed off the screen. */
export function VerdictList({ verdict }: { verdict: Verdict }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const problems = [...verdict.checks.filter((c) => c.status === 'fail'), ...verdict.checks.filter((c) => c.status === 'warn')];
  const passed = verdict.checks.filter((c) => c.status === 'pass');
  return (
    <div className="verdict-list" data-testid="verdict-list" data-status={verdict.status}>
      {problems.length > 0 && (
        <ul className="verdict-problems">
          {problems.map((c) => (
            <Item key={c.id} check={c} language={language} />
          ))}
        </ul>
      )}
      {passed.length > 0 && (
        <details className="verdict-passed" data-testid="verdict-passed">
          <summary>{t('capture.passedCount', { count: passed.length })}</summary>
          <ul>
            {passed.map((c) => (
              <Item key={c.id} check={c} language={language} />
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
