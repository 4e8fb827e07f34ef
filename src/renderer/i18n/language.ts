export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

const STORAGE_KEY = 'cc.lang';

function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function toLanguage(value: string | undefined): Language {
  return isLanguage(value) ? value : DEFAULT_LANGUAGE;
}

export function otherLanguage(lang: Language): Language {
  return lang === 'zh-CN' ? 'en' : 'zh-CN';
}

/** Storage can throw (disabled, quota); the language is a preference, never worth a crash. */
export function readLanguagePreference(): Language {
  try {
    return toLanguage(localStorage.getItem(STORAGE_KEY) ?? undefined);
  } catch {
    return DEFAULT_LANGUAGE;
  }
}

export function writeLanguagePreference(lang: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Preference only; the switch still works for this page.
  }
}
