import { Button, Center, Overlay, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { MeetingSession } from './meeting-session.js';
import type { RoomState, Timer } from './room-state.js';
import { clock, useNow } from './use-now.js';

/** The running timer in the header: a countdown or a stopwatch, with the ready check. */
export function TimerBadge({
  timer,
  room,
  session,
}: {
  timer: Timer;
  room: RoomState;
  session: MeetingSession;
}) {
  const { t } = useTranslation();
  const now = useNow(true);
  const ready = room.people.get(room.selfId)?.ready === true;
  const shown =
    timer.endsAt === null ? clock(now - Date.parse(timer.startedAt)) : clock(Date.parse(timer.endsAt) - now);
  return (
    <Text size="sm" fw={600} role="timer" aria-label={t('room.timer.title')} data-testid="timer">
      ⏱ {timer.title ?? ''} {shown}
      {timer.readyCheck && timer.style === 'normal' && (
        <Button
          size="compact-xs"
          ml="xs"
          variant={ready ? 'filled' : 'light'}
          onClick={() => session.send('timer', { action: 'update_ready_status', ready: !ready })}
        >
          {ready ? t('room.ready') : t('room.timer.imReady')}
        </Button>
      )}
    </Text>
  );
}

/** A coffee break covers the meeting for everyone until a moderator ends it or it runs out. */
export function CoffeeBreak({
  timer,
  room,
  session,
}: {
  timer: Timer;
  room: RoomState;
  session: MeetingSession;
}) {
  const { t } = useTranslation();
  const now = useNow(true);
  const [peeking, setPeeking] = useState(false);
  if (peeking) {
    return (
      <Button
        pos="fixed"
        bottom={16}
        left="50%"
        style={{ transform: 'translateX(-50%)', zIndex: 300 }}
        onClick={() => setPeeking(false)}
      >
        {t('room.break.showBreak')}
      </Button>
    );
  }
  const ready = room.people.get(room.selfId)?.ready === true;
  const readyCount = [...room.people.values()].filter((p) => p.ready === true).length;
  return (
    <Overlay fixed blur={6} color="#1a1b2e" backgroundOpacity={0.92} zIndex={300}>
      <Center
        h="100%"
        role="dialog"
        aria-modal="true"
        aria-labelledby="coffee-title"
        data-testid="coffee-break"
      >
        <Stack align="center" c="white">
          <Text fz={64} aria-hidden>
            ☕
          </Text>
          <Title id="coffee-title" order={2} c="white">
            {timer.title ?? t('room.break.title')}
          </Title>
          {timer.endsAt !== null && (
            <Text fz={48} fw={700} role="timer">
              {clock(Date.parse(timer.endsAt) - now)}
            </Text>
          )}
          <Text>{t('room.break.text')}</Text>
          {timer.readyCheck && (
            <>
              <Button
                color={ready ? 'green' : 'gray'}
                onClick={() => session.send('timer', { action: 'update_ready_status', ready: !ready })}
                autoFocus
              >
                {ready ? t('room.break.imBackUndo') : t('room.break.imBack')}
              </Button>
              <Text size="sm">
                {t('room.break.readyCount', { count: readyCount, total: room.people.size })}
              </Text>
            </>
          )}
          {room.role === 'moderator' && (
            <Button variant="white" onClick={() => session.send('timer', { action: 'stop' })}>
              {t('room.timer.endBreak')}
            </Button>
          )}
          <Button variant="subtle" color="gray.2" onClick={() => setPeeking(true)}>
            {t('room.break.peek')}
          </Button>
        </Stack>
      </Center>
    </Overlay>
  );
}
