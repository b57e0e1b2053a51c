import { Alert, Loader, Paper, SimpleGrid, Stack, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';

import { api } from '../api/client.js';
import { useErrorText } from '../api/error-text.js';
import type { MeetingEvent, Room } from '../api/types.js';
import { InvitePanel } from '../schedule/invite-panel.js';
import { LinksPanel } from '../schedule/links-panel.js';
import { MeetingForm, type MeetingDraft } from '../schedule/meeting-form.js';
import { fromRrule, noRecurrence, toRrule } from '../schedule/recurrence.js';
import { browserTimeZone, instantToZoned, withOffset, zonedToInstant } from '../schedule/zoned-time.js';

function newDraft(): MeetingDraft {
  const zone = browserTimeZone();
  const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000);
  return {
    title: '',
    description: '',
    allDay: false,
    start: instantToZoned(start, zone),
    end: instantToZoned(new Date(start.getTime() + 3_600_000), zone),
    timeZone: zone,
    recurrence: noRecurrence,
    waitingRoom: false,
    password: '',
    guestAccess: 'waiting_room',
  };
}

function draftOf(event: MeetingEvent, room: Room): MeetingDraft {
  const zone = event.starts_at?.timezone ?? browserTimeZone();
  const at = (value: string | undefined): string => {
    const local = instantToZoned(new Date(value ?? Date.now()), zone);
    return event.is_all_day ? local.slice(0, 10) : local;
  };
  return {
    title: event.title,
    description: event.description,
    allDay: event.is_all_day,
    start: at(event.starts_at?.datetime),
    end: at(event.ends_at?.datetime),
    timeZone: zone,
    recurrence: fromRrule(event.recurrence_pattern),
    waitingRoom: room.waiting_room,
    password: room.password ?? '',
    guestAccess: room.guest_access,
  };
}

/** The fields of the API's event body that the form sets. */
function eventBody(draft: MeetingDraft): Record<string, unknown> {
  const time = (local: string) => {
    const wall = draft.allDay ? `${local.slice(0, 10)}T00:00` : local;
    return {
      datetime: withOffset(zonedToInstant(wall, draft.timeZone), draft.timeZone),
      timezone: draft.timeZone,
    };
  };
  // An all-day meeting ends at the start of the day after its last day.
  const end = draft.allDay
    ? new Date(Date.parse(`${draft.end.slice(0, 10)}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 16)
    : draft.end;
  return {
    title: draft.title.trim(),
    description: draft.description,
    is_all_day: draft.allDay,
    starts_at: time(draft.start),
    ends_at: time(end),
    ...(draft.recurrence === undefined ? {} : { recurrence_pattern: toRrule(draft.recurrence) }),
    waiting_room: draft.waitingRoom,
  };
}

/** `/meetings/new` and `/meetings/<id>`: schedule or change a meeting, then invite and share it. */
export function MeetingEditPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { eventId } = useParams();
  const loaded = useQuery({
    queryKey: ['event', eventId],
    enabled: eventId !== undefined,
    queryFn: async () => {
      const event = await api<MeetingEvent>(`/v1/events/${eventId}`);
      const room = await api<Room>(`/v1/rooms/${event.room_id}`);
      return { event, room };
    },
  });
  const save = useMutation({
    mutationFn: async (draft: MeetingDraft) => {
      const body = eventBody(draft);
      const current = loaded.data;
      const event =
        current === undefined
          ? await api<MeetingEvent>('/v1/events', {
              method: 'POST',
              body: { ...body, ...(draft.password === '' ? {} : { password: draft.password }) },
            })
          : await api<MeetingEvent>(`/v1/events/${current.event.id}`, {
              method: 'PATCH',
              headers: { 'if-match': `"${current.event.revision}"` },
              body: { ...body, password: draft.password === '' ? null : draft.password },
            });
      await api(`/v1/rooms/${event.room_id}`, { method: 'PATCH', body: { guest_access: draft.guestAccess } });
      return event;
    },
    onSuccess: async (event) => {
      await queryClient.invalidateQueries();
      if (eventId === undefined) await navigate(`/meetings/${event.id}`, { replace: true });
    },
  });

  if (eventId !== undefined && loaded.isPending) return <Loader aria-label={t('common.loading')} />;
  if (loaded.isError)
    return (
      <Alert color="red" role="alert">
        {errorText(loaded.error)}
      </Alert>
    );
  const current = loaded.data;
  return (
    <Stack maw={1100} mx="auto">
      <Title order={2}>
        {current === undefined
          ? t('meeting.newTitle')
          : t('meeting.editTitle', { title: current.event.title })}
      </Title>
      <SimpleGrid cols={{ base: 1, md: current === undefined ? 1 : 2 }}>
        <Paper withBorder p="md" maw={current === undefined ? 640 : undefined}>
          <MeetingForm
            key={current?.event.revision ?? 'new'}
            initial={current === undefined ? newDraft() : draftOf(current.event, current.room)}
            submitLabel={current === undefined ? t('meeting.create') : t('meeting.save')}
            busy={save.isPending}
            error={save.isError ? errorText(save.error) : undefined}
            onSubmit={(draft) => save.mutate(draft)}
          />
          {save.isSuccess && eventId !== undefined && (
            <Alert color="teal" mt="md" role="status">
              {t('meeting.saved')}
            </Alert>
          )}
        </Paper>
        {current !== undefined && (
          <Stack>
            <LinksPanel roomId={current.event.room_id} guestAccess={current.room.guest_access} />
            <InvitePanel eventId={current.event.id} />
          </Stack>
        )}
      </SimpleGrid>
    </Stack>
  );
}
