import type { ParseKeys } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useLanguage } from '../hooks/useLanguage';
import { useOtherLanguageT } from '../hooks/useOtherLanguageT';

interface Props {
  i18nKey: ParseKeys;
  values?: Record<string, string | number>;
  className?: string;
}

/** A message shown in the current language with the other one small underneath: the photographer
 * reads one, a support engineer on the phone can read the other off the same screen. */
export function Bilingual({ i18nKey, values, className }: Props) {
  const { t } = useTranslation();
  const tOther = useOtherLanguageT();
  const { other } = useLanguage();
  return (
    <span className={`bilingual ${className ?? ''}`}>
      <span className="bilingual-primary">{t(i18nKey, values ?? {})}</span>
      <span className="bilingual-secondary" lang={other}>
        {tOther(i18nKey, values ?? {})}
      </span>
    </span>
  );
}
