import {
  ActionIcon,
  Alert,
  Anchor,
  Group,
  Loader,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api } from '../api/client.js';
import { useErrorText } from '../api/error-text.js';
import { useEvents } from '../api/queries.js';
import type { Instance, MeetingEvent } from '../api/types.js';

const day = 24 * 3600 * 1000;

/** Monday 00:00 (this browser's zone) of the week that holds `at`. */
function startOfWeek(at: Date): Date {
  const start = new Date(at.getFullYear(), at.getMonth(), at.getDate());
  start.setDate(start.getDate() - ((start.getDay() + 6) % 7));
  return start;
}

interface Slot {
  readonly event: MeetingEvent;
  readonly start: Date;
  readonly end: Date;
  readonly allDay: boolean;
}

/** Seven days side by side, with every occurrence of my meetings (series expanded by the server). */
export function WeekView() {
  const { t, i18n } = useTranslation();
  const errorText = useErrorText();
  const [weekStart, setWeekStart] = useState(() => startOfWeek(new Date()));
  const weekEnd = useMemo(() => new Date(weekStart.getTime() + 7 * day), [weekStart]);
  const events = useEvents(weekStart, weekEnd);
  const series = (events.data ?? []).filter((event) => event.recurrence_pattern.length > 0);
  const instances = useQueries({
    queries: series.map((event) => ({
      queryKey: ['instances', event.id, weekStart.toISOString()],
      queryFn: () =>
        api<{ items: Instance[] }>(
          `/v1/events/${event.id}/instances?time_min=${weekStart.toISOString()}&time_max=${weekEnd.toISOString()}`,
        ),
    })),
  });
  if (events.isPending) return <Loader aria-label={t('common.loading')} />;
  if (events.isError) return <Alert color="red">{errorText(events.error)}</Alert>;

  const slots: Slot[] = [];
  for (const event of events.data) {
    if (event.starts_at === null || event.ends_at === null) continue;
    if (event.recurrence_pattern.length === 0) {
      slots.push({
        event,
        start: new Date(event.starts_at.datetime),
        end: new Date(event.ends_at.datetime),
        allDay: event.is_all_day,
      });
    }
  }
  series.forEach((event, index) => {
    for (const instance of instances[index]?.data?.items ?? []) {
      if (instance.status === 'cancelled') continue;
      slots.push({
        event,
        start: new Date(instance.starts_at.datetime),
        end: new Date(instance.ends_at.datetime),
        allDay: instance.is_all_day,
      });
    }
  });
  const dayLabel = new Intl.DateTimeFormat(i18n.language, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  });
  const timeLabel = new Intl.DateTimeFormat(i18n.language, { hour: '2-digit', minute: '2-digit' });
  const week = Array.from(
    { length: 7 },
    (_, i) => new Date(weekStart.getFullYear(), weekStart.getMonth(), weekStart.getDate() + i),
  );

  return (
    <Stack>
      <Group>
        <ActionIcon
          variant="default"
          aria-label={t('week.previous')}
          onClick={() => setWeekStart(startOfWeek(new Date(weekStart.getTime() - 7 * day + 3600_000)))}
        >
          ‹
        </ActionIcon>
        <Title order={3} size="h5" aria-live="polite">
          {t('week.of', { date: weekStart.toLocaleDateString(i18n.language, { dateStyle: 'long' }) })}
        </Title>
        <ActionIcon
          variant="default"
          aria-label={t('week.next')}
          onClick={() => setWeekStart(startOfWeek(new Date(weekStart.getTime() + 7 * day + 3600_000)))}
        >
          ›
        </ActionIcon>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 7 }} spacing="xs">
        {week.map((date) => {
          const next = new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1);
          const today = slots
            .filter((slot) => slot.start < next && slot.end > date)
            .sort((a, b) => a.start.getTime() - b.start.getTime());
          return (
            <Paper
              key={date.toISOString()}
              withBorder
              p="xs"
              mih={140}
              component="section"
              aria-label={dayLabel.format(date)}
            >
              <Text size="sm" fw={600} mb="xs">
                {dayLabel.format(date)}
              </Text>
              <Stack gap={4}>
                {today.map((slot) => (
                  <Anchor
                    key={`${slot.event.id}-${slot.start.toISOString()}`}
                    component={Link}
                    to={`/rooms/${slot.event.room_id}`}
                    size="xs"
                  >
                    {slot.allDay ? t('meeting.allDay') : timeLabel.format(slot.start)} {slot.event.title}
                  </Anchor>
                ))}
              </Stack>
            </Paper>
          );
        })}
      </SimpleGrid>
    </Stack>
  );
}
