import { Alert, Badge, Button, Card, Group, Loader, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api } from '../api/client.js';
import { useErrorText } from '../api/error-text.js';
import { useEvents, useInvites, useMe } from '../api/queries.js';
import type { MeetingEvent } from '../api/types.js';
import { formatMeetingTime } from './format.js';
import { fromRrule, summarize } from './recurrence.js';

const days = 24 * 3600 * 1000;

/** Meetings of the next 30 days (and running ones), soonest first. */
export function MeetingList() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [from, to] = useMemo(() => {
    const now = Date.now();
    return [new Date(now - days), new Date(now + 30 * days)];
  }, []);
  const events = useEvents(from, to);
  const me = useMe();
  if (events.isPending || me.isPending) return <Loader aria-label={t('common.loading')} />;
  if (events.isError || me.isError) {
    return (
      <Alert color="red" role="alert">
        {errorText(events.error ?? me.error)}
      </Alert>
    );
  }
  if (events.data.length === 0) return <Text c="dimmed">{t('dashboard.empty')}</Text>;
  return (
    <Stack component="ul" p={0} style={{ listStyle: 'none' }}>
      {events.data.map((event) => (
        <li key={event.id}>
          <MeetingCard event={event} mine={event.created_by === me.data.id} myId={me.data.id} />
        </li>
      ))}
    </Stack>
  );
}

function MeetingCard({ event, mine, myId }: { event: MeetingEvent; mine: boolean; myId: string }) {
  const { t, i18n } = useTranslation();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const invites = useInvites(mine ? undefined : event.id);
  const myInvite = invites.data?.find((invite) => invite.invitee_user_id === myId);
  const answer = useMutation({
    mutationFn: (accept: boolean) =>
      api(
        `/v1/events/${event.id}/invite`,
        accept ? { method: 'PATCH', body: { status: 'accepted' } } : { method: 'DELETE' },
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['invites', event.id] }),
  });
  const rule = fromRrule(event.recurrence_pattern);
  return (
    <Card withBorder padding="md" data-testid={`meeting-${event.title}`}>
      <Group justify="space-between" align="start">
        <Stack gap={4}>
          <Text fw={600} component="h3" m={0}>
            {event.title}
          </Text>
          <Text size="sm" c="dimmed">
            {event.is_time_independent
              ? t('meeting.timeIndependent')
              : formatMeetingTime(event, i18n.language, t('meeting.allDay'))}
          </Text>
          {event.recurrence_pattern.length > 0 && (
            <Text size="sm">
              {rule === undefined ? t('recurrence.custom') : summarize(rule, t, i18n.language)}
            </Text>
          )}
          <Group gap="xs">
            {mine && <Badge variant="light">{t('dashboard.organizer')}</Badge>}
            {myInvite !== undefined && (
              <Badge color={myInvite.status === 'declined' ? 'red' : 'teal'}>
                {t(`invite.status.${myInvite.status}`)}
              </Badge>
            )}
          </Group>
        </Stack>
        <Group gap="xs">
          {!mine && (
            <>
              <Button
                size="xs"
                variant="light"
                color="teal"
                loading={answer.isPending}
                onClick={() => answer.mutate(true)}
              >
                {t('invite.accept')}
              </Button>
              <Button
                size="xs"
                variant="light"
                color="red"
                loading={answer.isPending}
                onClick={() => answer.mutate(false)}
              >
                {t('invite.decline')}
              </Button>
            </>
          )}
          {mine && (
            <Button size="xs" variant="default" component={Link} to={`/meetings/${event.id}`}>
              {t('dashboard.edit')}
            </Button>
          )}
          <Button size="xs" component={Link} to={`/rooms/${event.room_id}`}>
            {t('dashboard.join')}
          </Button>
        </Group>
      </Group>
      {answer.isError && (
        <Text c="red" size="sm" role="alert">
          {errorText(answer.error)}
        </Text>
      )}
    </Card>
  );
}
