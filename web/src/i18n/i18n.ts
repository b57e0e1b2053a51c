import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

import { de } from './de.js';
import { en } from './en.js';

export type Language = 'de' | 'en';
export const languages: readonly Language[] = ['en', 'de'];
const storageKey = 'vc-language';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

/** The language chosen before (this browser), else the browser's own, else English. */
export function initialLanguage(): Language {
  const stored = localStorage.getItem(storageKey);
  if (stored === 'de' || stored === 'en') return stored;
  return navigator.languages.some((tag) => tag.toLowerCase().startsWith('de')) ? 'de' : 'en';
}

export async function setupI18n(): Promise<void> {
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, de: { translation: de } },
    lng: initialLanguage(),
    fallbackLng: 'en',
    // React escapes what it renders; escaping here too would show `&amp;` in chat.
    interpolation: { escapeValue: false },
  });
  document.documentElement.lang = i18next.language;
  i18next.on('languageChanged', (language) => {
    document.documentElement.lang = language;
  });
}

export async function chooseLanguage(language: Language): Promise<void> {
  localStorage.setItem(storageKey, language);
  await i18next.changeLanguage(language);
}
