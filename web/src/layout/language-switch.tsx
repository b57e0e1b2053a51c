import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { chooseLanguage, languages, type Language } from '../i18n/i18n.js';

/** English / Deutsch, remembered in this browser. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('app.language')}
      value={i18n.language}
      onChange={(value) => void chooseLanguage(value as Language)}
      data={languages.map((language) => ({ value: language, label: t(`app.languageName.${language}`) }))}
    />
  );
}
