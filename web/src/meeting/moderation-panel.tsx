import {
  Button,
  Checkbox,
  Divider,
  Group,
  NumberInput,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import type { MeetingSession } from './meeting-session.js';
import type { RoomState } from './room-state.js';

/** Moderators only: the waiting room, room-wide switches, timer and coffee break, breakout rooms, ending. */
export function ModerationPanel({ room, session }: { room: RoomState; session: MeetingSession }) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm">
      <WaitingRoomSection room={room} session={session} />
      <Divider />
      <Title order={3} size="h6">
        {t('room.mod.room')}
      </Title>
      <Switch
        label={t('room.mod.waitingRoom')}
        checked={room.waitingRoomEnabled}
        onChange={(e) =>
          session.send('moderation', {
            action: e.currentTarget.checked ? 'enable_waiting_room' : 'disable_waiting_room',
          })
        }
      />
      <Switch
        label={t('room.mod.chat')}
        checked={room.chatEnabled}
        onChange={(e) =>
          session.send('chat', { action: e.currentTarget.checked ? 'enable_chat' : 'disable_chat' })
        }
      />
      <Switch
        label={t('room.mod.raiseHands')}
        checked={room.raiseHandsEnabled}
        onChange={(e) =>
          session.send('raise_hands', {
            action: e.currentTarget.checked ? 'enable_raise_hands' : 'disable_raise_hands',
          })
        }
      />
      <Group gap="xs">
        <Button
          size="xs"
          variant="light"
          onClick={() => session.send('moderation', { action: 'request_mute_all' })}
        >
          {t('room.mod.muteAll')}
        </Button>
        <Button
          size="xs"
          variant="light"
          onClick={() => session.send('raise_hands', { action: 'reset_raised_hands' })}
        >
          {t('room.mod.lowerHands')}
        </Button>
        <Button size="xs" variant="light" onClick={() => session.send('chat', { action: 'clear_history' })}>
          {t('room.mod.clearChat')}
        </Button>
      </Group>
      <Divider />
      <TimerSection room={room} session={session} />
      <Divider />
      <BreakoutSection room={room} session={session} />
      <Divider />
      <Group gap="xs">
        <Button
          size="xs"
          color="red"
          variant="light"
          onClick={() => session.send('moderation', { action: 'end_meeting', scope: 'guests' })}
        >
          {t('room.mod.endForGuests')}
        </Button>
        <Button
          size="xs"
          color="red"
          onClick={() => session.send('moderation', { action: 'end_meeting', scope: 'all' })}
        >
          {t('room.mod.endForAll')}
        </Button>
      </Group>
    </Stack>
  );
}

function WaitingRoomSection({ room, session }: { room: RoomState; session: MeetingSession }) {
  const { t } = useTranslation();
  return (
    <Stack gap={6} data-testid="waiting-list">
      <Group justify="space-between">
        <Title order={3} size="h6">
          {t('room.mod.waiting', { count: room.waiting.length })}
        </Title>
        {room.waiting.length > 1 && (
          <Button size="xs" onClick={() => session.send('moderation', { action: 'accept_all' })}>
            {t('room.mod.admitAll')}
          </Button>
        )}
      </Group>
      {room.waiting.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('room.mod.nobodyWaits')}
        </Text>
      )}
      {room.waiting.map((person) => (
        <Group key={person.id} justify="space-between" wrap="nowrap">
          <Text size="sm" truncate>
            {person.displayName}
          </Text>
          <Group gap={4} wrap="nowrap">
            <Button
              size="xs"
              onClick={() => session.send('moderation', { action: 'accept', target: person.id })}
              aria-label={t('room.mod.admitName', { name: person.displayName })}
            >
              {t('room.mod.admit')}
            </Button>
            <Button
              size="xs"
              variant="subtle"
              color="red"
              onClick={() => session.send('moderation', { action: 'kick', target: person.id })}
              aria-label={t('room.mod.rejectName', { name: person.displayName })}
            >
              {t('room.mod.reject')}
            </Button>
          </Group>
        </Group>
      ))}
    </Stack>
  );
}

function TimerSection({ room, session }: { room: RoomState; session: MeetingSession }) {
  const { t } = useTranslation();
  const [minutes, setMinutes] = useState<number>(5);
  const [title, setTitle] = useState('');
  const [coffee, setCoffee] = useState(false);
  const [readyCheck, setReadyCheck] = useState(false);
  const start = (e: FormEvent) => {
    e.preventDefault();
    session.send('timer', {
      action: 'start',
      kind: 'countdown',
      duration: Math.round(minutes * 60),
      style: coffee ? 'coffee_break' : 'normal',
      ...(title.trim() === '' ? {} : { title: title.trim() }),
      enable_ready_check: readyCheck,
    });
  };
  if (room.timer !== null) {
    return (
      <Button size="xs" variant="light" onClick={() => session.send('timer', { action: 'stop' })}>
        {room.timer.style === 'coffee_break' ? t('room.timer.endBreak') : t('room.timer.stop')}
      </Button>
    );
  }
  return (
    <form onSubmit={start}>
      <Stack gap={6}>
        <Title order={3} size="h6">
          {t('room.timer.title')}
        </Title>
        <Group gap={6} align="end" wrap="nowrap">
          <NumberInput
            size="xs"
            w={90}
            label={t('room.timer.minutes')}
            min={1}
            max={240}
            value={minutes}
            onChange={(value) => setMinutes(Number(value) || 1)}
          />
          <TextInput
            size="xs"
            style={{ flex: 1 }}
            label={t('room.timer.label')}
            value={title}
            maxLength={100}
            onChange={(e) => setTitle(e.currentTarget.value)}
          />
        </Group>
        <Checkbox
          size="xs"
          label={t('room.timer.coffeeBreak')}
          checked={coffee}
          onChange={(e) => setCoffee(e.currentTarget.checked)}
        />
        <Checkbox
          size="xs"
          label={t('room.timer.readyCheck')}
          checked={readyCheck}
          onChange={(e) => setReadyCheck(e.currentTarget.checked)}
        />
        <Button size="xs" type="submit">
          {coffee ? t('room.timer.startBreak') : t('room.timer.start')}
        </Button>
      </Stack>
    </form>
  );
}

function BreakoutSection({ room, session }: { room: RoomState; session: MeetingSession }) {
  const { t } = useTranslation();
  const [count, setCount] = useState<number>(2);
  const [minutes, setMinutes] = useState<number>(10);
  if (room.breakout !== null) {
    return (
      <Group gap="xs">
        <Button
          size="xs"
          variant="light"
          onClick={() => session.send('breakout', { action: 'stop', delay: 0 })}
        >
          {t('room.breakout.stop')}
        </Button>
        <Button
          size="xs"
          variant="subtle"
          onClick={() => session.send('breakout', { action: 'stop', delay: 60 })}
        >
          {t('room.breakout.stopInMinute')}
        </Button>
      </Group>
    );
  }
  return (
    <Stack gap={6}>
      <Title order={3} size="h6">
        {t('room.breakout.title')}
      </Title>
      <Group gap={6} align="end" wrap="nowrap">
        <NumberInput
          size="xs"
          w={90}
          label={t('room.breakout.rooms')}
          min={1}
          max={50}
          value={count}
          onChange={(value) => setCount(Number(value) || 1)}
        />
        <NumberInput
          size="xs"
          w={90}
          label={t('room.timer.minutes')}
          min={1}
          max={240}
          value={minutes}
          onChange={(value) => setMinutes(Number(value) || 1)}
        />
        <Button
          size="xs"
          onClick={() =>
            session.send('breakout', { action: 'start_random', count, duration: Math.round(minutes * 60) })
          }
        >
          {t('room.breakout.start')}
        </Button>
      </Group>
    </Stack>
  );
}
