import type { TFunction } from 'i18next';

/** What the recurrence editor offers: the common RRULE shapes, read from and written to RRULE text. */
export type Frequency = 'none' | 'daily' | 'weekly' | 'monthly' | 'yearly';
export const weekdays = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof weekdays)[number];

export interface Recurrence {
  readonly frequency: Frequency;
  readonly interval: number;
  readonly weekdays: readonly Weekday[];
  readonly end:
    | { readonly kind: 'never' }
    | { readonly kind: 'count'; readonly count: number }
    | { readonly kind: 'until'; readonly until: string };
}

export const noRecurrence: Recurrence = {
  frequency: 'none',
  interval: 1,
  weekdays: [],
  end: { kind: 'never' },
};

/** The `RRULE:` line for the API's `recurrence_pattern`; none for a single meeting. */
export function toRrule(rule: Recurrence): string[] {
  if (rule.frequency === 'none') return [];
  const parts = [`FREQ=${rule.frequency.toUpperCase()}`];
  if (rule.interval > 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.frequency === 'weekly' && rule.weekdays.length > 0) {
    parts.push(`BYDAY=${weekdays.filter((day) => rule.weekdays.includes(day)).join(',')}`);
  }
  if (rule.end.kind === 'count') parts.push(`COUNT=${rule.end.count}`);
  if (rule.end.kind === 'until') parts.push(`UNTIL=${rule.end.until.replace(/-/g, '')}T235959Z`);
  return [`RRULE:${parts.join(';')}`];
}

/**
 * Reads a pattern back into the editor; undefined when it holds more than the editor shows (EXDATE,
 * BYMONTHDAY...), which the form then keeps unchanged.
 */
export function fromRrule(pattern: readonly string[]): Recurrence | undefined {
  if (pattern.length === 0) return noRecurrence;
  if (pattern.length > 1 || !pattern[0]?.startsWith('RRULE:')) return undefined;
  const fields = new Map(
    pattern[0]
      .slice('RRULE:'.length)
      .split(';')
      .map((part) => part.split('=') as [string, string]),
  );
  const frequency = fields.get('FREQ')?.toLowerCase();
  if (frequency !== 'daily' && frequency !== 'weekly' && frequency !== 'monthly' && frequency !== 'yearly')
    return undefined;
  const known = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'COUNT', 'UNTIL']);
  if ([...fields.keys()].some((key) => !known.has(key))) return undefined;
  const days = (fields.get('BYDAY')?.split(',') ?? []).filter((d): d is Weekday =>
    (weekdays as readonly string[]).includes(d),
  );
  const count = fields.get('COUNT');
  const until = fields.get('UNTIL');
  return {
    frequency,
    interval: Number(fields.get('INTERVAL') ?? '1'),
    weekdays: days,
    end:
      count !== undefined
        ? { kind: 'count', count: Number(count) }
        : until !== undefined
          ? { kind: 'until', until: `${until.slice(0, 4)}-${until.slice(4, 6)}-${until.slice(6, 8)}` }
          : { kind: 'never' },
  };
}

/** "Every 2 weeks on Monday, Wednesday, 6 times" in the reader's language. */
export function summarize(rule: Recurrence, t: TFunction, language: string): string {
  if (rule.frequency === 'none') return t('recurrence.once');
  const unit = t(`recurrence.every.${rule.frequency}`, { count: rule.interval });
  const dayNames = new Intl.DateTimeFormat(language, { weekday: 'long', timeZone: 'UTC' });
  // 2024-01-01 was a Monday.
  const dayName = (day: Weekday): string =>
    dayNames.format(new Date(Date.UTC(2024, 0, 1 + weekdays.indexOf(day))));
  const list = new Intl.ListFormat(language, { type: 'conjunction' });
  const on =
    rule.frequency === 'weekly' && rule.weekdays.length > 0
      ? ` ${t('recurrence.on', { days: list.format(rule.weekdays.map(dayName)) })}`
      : '';
  const end =
    rule.end.kind === 'count'
      ? `, ${t('recurrence.times', { count: rule.end.count })}`
      : rule.end.kind === 'until'
        ? `, ${t('recurrence.until', { date: new Date(`${rule.end.until}T12:00:00Z`).toLocaleDateString(language) })}`
        : '';
  return `${unit}${on}${end}`;
}
