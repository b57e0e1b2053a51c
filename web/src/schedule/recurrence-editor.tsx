import { Chip, Group, NumberInput, Radio, Select, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { summarize, weekdays, type Frequency, type Recurrence } from './recurrence.js';

/** Frequency, interval, weekdays and end of a series, with the rule read back as a sentence. */
export function RecurrenceEditor({
  value,
  onChange,
}: {
  value: Recurrence;
  onChange: (rule: Recurrence) => void;
}) {
  const { t, i18n } = useTranslation();
  const dayNames = new Intl.DateTimeFormat(i18n.language, { weekday: 'short', timeZone: 'UTC' });
  const frequencies: Frequency[] = ['none', 'daily', 'weekly', 'monthly', 'yearly'];
  return (
    <Stack gap="xs">
      <Group align="end">
        <Select
          label={t('recurrence.repeat')}
          value={value.frequency}
          allowDeselect={false}
          data={frequencies.map((frequency) => ({
            value: frequency,
            label: t(`recurrence.frequency.${frequency}`),
          }))}
          onChange={(frequency) => onChange({ ...value, frequency: frequency ?? 'none' })}
        />
        {value.frequency !== 'none' && (
          <NumberInput
            label={t('recurrence.interval')}
            min={1}
            max={99}
            w={120}
            value={value.interval}
            onChange={(interval) => onChange({ ...value, interval: Math.max(1, Number(interval) || 1) })}
          />
        )}
      </Group>
      {value.frequency === 'weekly' && (
        <Chip.Group
          multiple
          value={[...value.weekdays]}
          onChange={(days) => onChange({ ...value, weekdays: days })}
        >
          <Group gap={6} role="group" aria-label={t('recurrence.weekdays')}>
            {weekdays.map((day, index) => (
              <Chip key={day} value={day} size="xs">
                {dayNames.format(new Date(Date.UTC(2024, 0, 1 + index)))}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
      )}
      {value.frequency !== 'none' && (
        <Radio.Group
          label={t('recurrence.ends')}
          value={value.end.kind}
          onChange={(kind) =>
            onChange({
              ...value,
              end:
                kind === 'count'
                  ? { kind: 'count', count: 10 }
                  : kind === 'until'
                    ? {
                        kind: 'until',
                        until: new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10),
                      }
                    : { kind: 'never' },
            })
          }
        >
          <Group mt={4}>
            <Radio value="never" label={t('recurrence.never')} />
            <Radio value="count" label={t('recurrence.afterCount')} />
            <Radio value="until" label={t('recurrence.onDate')} />
            {value.end.kind === 'count' && (
              <NumberInput
                aria-label={t('recurrence.count')}
                min={1}
                max={999}
                w={100}
                value={value.end.count}
                onChange={(count) =>
                  onChange({ ...value, end: { kind: 'count', count: Math.max(1, Number(count) || 1) } })
                }
              />
            )}
            {value.end.kind === 'until' && (
              <TextInput
                type="date"
                aria-label={t('recurrence.untilDate')}
                value={value.end.until}
                onChange={(e) => onChange({ ...value, end: { kind: 'until', until: e.currentTarget.value } })}
              />
            )}
          </Group>
        </Radio.Group>
      )}
      <Text size="sm" c="dimmed" aria-live="polite" data-testid="recurrence-summary">
        {summarize(value, t, i18n.language)}
      </Text>
    </Stack>
  );
}
