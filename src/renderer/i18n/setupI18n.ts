import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { DEFAULT_LANGUAGE, readLanguagePreference, toLanguage } from './language';
import { zhCN } from './zhCN';

export function setupI18n(): i18n {
  const instance = i18next.createInstance();
  instance.use(initReactI18next);
  // Resources are bundled, so init synchronously: the first paint is already translated.
  void instance.init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    lng: readLanguagePreference(),
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: ['zh-CN', 'en'],
    // Chinese domain values (已签到, 本科 …) are used as keys; ':' never appears in them.
    nsSeparator: false,
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  const syncDocumentLang = (lng: string | undefined) => {
    document.documentElement.lang = toLanguage(lng);
  };
  syncDocumentLang(instance.language);
  instance.on('languageChanged', syncDocumentLang);
  return instance;
}
