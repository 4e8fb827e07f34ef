import { useTranslation } from 'react-i18next';
import { useLanguage } from '../hooks/useLanguage';

export function LanguageSwitch() {
  const { t } = useTranslation();
  const { toggle, other } = useLanguage();
  return (
    <button type="button" className="button button-quiet" onClick={toggle} data-testid="lang-switch" aria-label={t('lang.switchLabel')} lang={other}>
      {t('lang.switchTo')}
    </button>
  );
}
