import type { Language } from '../i18n/language';

/** Service texts arrive in both languages: the current one leads, the other follows small. */
export function inLanguage(language: Language, text: { zh: string; en: string }): { primary: string; secondary: string } {
  return language === 'en' ? { primary: text.en, secondary: text.zh } : { primary: text.zh, secondary: text.en };
}
