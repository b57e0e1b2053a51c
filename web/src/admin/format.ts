import type { TFunction } from 'i18next';

import type { Connector } from './admin-types.js';

export function formatTime(iso: string | null, language: string): string {
  if (iso === null) return '–';
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** "incremental every 5 min, full 30 2 * * *" (or "only when started" for either). */
export function scheduleSummary(connector: Connector, t: TFunction): string {
  return t('admin.schedule.summary', {
    incremental:
      connector.incremental_every_ms === null
        ? t('admin.schedule.off')
        : t('admin.schedule.everyMinutes', { count: Math.round(connector.incremental_every_ms / 60_000) }),
    full: connector.full_cron ?? t('admin.schedule.off'),
  });
}
