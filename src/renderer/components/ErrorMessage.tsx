import { useTranslation } from 'react-i18next';
import { describeError } from '../format/describeError';
import { useLanguage } from '../hooks/useLanguage';
import { useOtherLanguageT } from '../hooks/useOtherLanguageT';
import { inLanguage } from '../format/bilingual';

interface Props {
  error: unknown;
  testId?: string;
}

export function ErrorMessage({ error, testId }: Props) {
  const { t } = useTranslation();
  const tOther = useOtherLanguageT();
  const { language, other } = useLanguage();
  const described = describeError(error);
  const { primary, secondary } = described.kind === 'service' ? inLanguage(language, described) : { primary: t(described.key), secondary: tOther(described.key) };
  return (
    <div className="message message-error" role="alert" data-testid={testId}>
      <p className="message-primary">{primary}</p>
      <p className="message-secondary" lang={other}>
        {secondary}
      </p>
      {/* The code and the raw details are for support, not for the operator: folded away. */}
      {(described.kind === 'service' || described.details.length > 0) && (
        <details className="message-support" data-testid={testId ? `${testId}-details` : undefined}>
          <summary>{t('errors.supportDetails')}</summary>
          {described.kind === 'service' && (
            <p className="message-code">
              {t('errors.code')}: {described.code}
            </p>
          )}
          {described.details.length > 0 && (
            <ul className="message-details">
              {described.details.map((detail, index) => (
                <li key={`${index}-${detail}`}>{detail}</li>
              ))}
            </ul>
          )}
        </details>
      )}
    </div>
  );
}
