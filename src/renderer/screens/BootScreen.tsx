import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../components/ErrorMessage';
import { LanguageSwitch } from '../components/LanguageSwitch';

interface Props {
  error: unknown;
  onRetry: () => void;
}

export function BootScreen({ error, onRetry }: Props) {
  const { t } = useTranslation();
  return (
    <main className="fullscreen-message" aria-busy={error === null}>
      <div className="fullscreen-message-tools">
        <LanguageSwitch />
      </div>
      <h1>{t('app.title')}</h1>
      {error === null ? (
        <p className="muted" role="status">
          {t('app.connecting')}
        </p>
      ) : (
        <>
          <p>{t('app.bootFailed')}</p>
          <ErrorMessage error={error} testId="boot-error" />
          <button type="button" className="button button-primary" autoFocus onClick={onRetry}>
            {t('app.retry')}
          </button>
        </>
      )}
    </main>
  );
}
