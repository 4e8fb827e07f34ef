import { useTranslation } from 'react-i18next';
import { describeError } from '../format/describeError';
import { useLanguage } from '../hooks/useLanguage';
import { useOtherLanguageT } from '../hooks/useOtherLanguageT';

interface Props {
  error: unknown;
  testId?: string;
}

export function ErrorMessage({ error, testId }: Props) {
  const { t } = useTranslation();
  const tOther = useOtherLanguageT();
  const { language, other } = useLanguage();
  const described = describeError(error);
  const primary = described.kind === 'service' ? (language === 'en' ? described.en : described.zh) : t(described.key);
  const secondary = described.kind === 'service' ? (language === 'en' ? described.zh : described.en) : tOther(described.key);
  return (
    <div className="message message-error" role="alert" data-testid={testId}>
      <p className="message-primary">{primary}</p>
      <p className="message-secondary" lang={other}>
        {secondary}
      </p>
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
    </div>
  );
}
