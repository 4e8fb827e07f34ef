import { useTranslation } from 'react-i18next';
import { useLanguage } from './useLanguage';

/** The same catalogue in the language not on screen, for the small second line of bilingual messages. */
export function useOtherLanguageT() {
  const { i18n } = useTranslation();
  const { other } = useLanguage();
  return i18n.getFixedT(other);
}
