import { Button, Group, ScrollArea, Select, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import type { MeetingSession } from './meeting-session.js';
import type { RoomState } from './room-state.js';

/**
 * Global and private chat. Messages are rendered as text by React (never as HTML), so whatever
 * someone types shows as typed.
 */
export function ChatPanel({
  room,
  session,
  target,
  onTarget,
}: {
  room: RoomState;
  session: MeetingSession;
  target: string;
  onTarget: (id: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState('');
  const bottom = useRef<HTMLDivElement>(null);
  // Braces: newer browsers return a promise from scrollIntoView, and an effect may return only a cleanup.
  useEffect(() => {
    void bottom.current?.scrollIntoView({ block: 'end' });
  }, [room.chat.length]);
  const name = (id: string | undefined) =>
    id === undefined ? '' : (room.people.get(id)?.displayName ?? t('room.someoneLeft'));
  const send = (e: FormEvent) => {
    e.preventDefault();
    const content = text.trim();
    if (content === '') return;
    session.send(
      'chat',
      target === 'global'
        ? { action: 'send_message', scope: 'global', content }
        : { action: 'send_message', scope: 'private', target, content },
    );
    setText('');
  };
  const others = [...room.people.values()].filter((p) => p.id !== room.selfId);
  const time = new Intl.DateTimeFormat(i18n.language, { hour: '2-digit', minute: '2-digit' });
  const canWrite = room.chatEnabled || room.role === 'moderator';
  return (
    <Stack h="100%" gap="xs">
      <ScrollArea style={{ flex: 1 }} type="auto">
        <Stack gap={6} role="log" aria-live="polite" aria-label={t('room.chat')} data-testid="chat-log">
          {room.chat.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('room.chatEmpty')}
            </Text>
          )}
          {room.chat.map((message) => (
            <div key={message.id}>
              <Text size="xs" c="dimmed">
                {name(message.source)}
                {message.scope === 'private' &&
                  ` → ${message.source === room.selfId ? name(message.target) : t('room.you')} (${t('room.private')})`}{' '}
                · {time.format(new Date(message.timestamp))}
              </Text>
              <Text
                size="sm"
                style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
                data-testid="chat-message"
              >
                {message.content}
              </Text>
            </div>
          ))}
          <div ref={bottom} />
        </Stack>
      </ScrollArea>
      {!room.chatEnabled && (
        <Text size="xs" c="orange">
          {t('room.chatOff')}
        </Text>
      )}
      <form onSubmit={send}>
        <Stack gap={6}>
          <Select
            size="xs"
            aria-label={t('room.chatTo')}
            value={target}
            allowDeselect={false}
            data={[
              { value: 'global', label: t('room.everyone') },
              ...others.map((p) => ({ value: p.id, label: p.displayName })),
            ]}
            onChange={(value) => onTarget(value ?? 'global')}
          />
          <Group gap={6} wrap="nowrap">
            <TextInput
              style={{ flex: 1 }}
              aria-label={t('room.message')}
              placeholder={t('room.messagePlaceholder')}
              value={text}
              maxLength={4000}
              disabled={!canWrite}
              onChange={(e) => setText(e.currentTarget.value)}
            />
            <Button type="submit" disabled={!canWrite}>
              {t('room.send')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
