import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { otherLanguage, toLanguage, writeLanguagePreference, type Language } from '../i18n/language';

export interface LanguageControl {
  language: Language;
  other: Language;
  toggle: () => void;
}

export function useLanguage(): LanguageControl {
  const { i18n } = useTranslation();
  const language = toLanguage(i18n.resolvedLanguage ?? i18n.language);
  const other = otherLanguage(language);
  const toggle = useCallback(() => {
    writeLanguagePreference(other);
    void i18n.changeLanguage(other);
  }, [i18n, other]);
  return { language, other, toggle };
}
