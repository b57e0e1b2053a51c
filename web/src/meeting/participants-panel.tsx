import { ActionIcon, Badge, Group, Menu, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { HandIcon } from './hand-icon.js';
import type { MeetingSession } from './meeting-session.js';
import type { Person, RoomState } from './room-state.js';

/** Everyone here with role, hand and phone marks; moderators get a menu per person. */
export function ParticipantsPanel({
  room,
  session,
  onPrivateChat,
  pinned,
  onPin,
}: {
  room: RoomState;
  session: MeetingSession;
  onPrivateChat: (id: string) => void;
  pinned: string | undefined;
  onPin: (id: string | undefined) => void;
}) {
  const { t } = useTranslation();
  // Raised hands first (in the order raised), then by name.
  const people = [...room.people.values()].sort((a, b) =>
    a.handUp !== b.handUp
      ? a.handUp
        ? -1
        : 1
      : a.handUp
        ? (a.handUpdatedAt ?? '').localeCompare(b.handUpdatedAt ?? '')
        : a.displayName.localeCompare(b.displayName),
  );
  return (
    <Stack
      gap={4}
      component="ul"
      p={0}
      m={0}
      style={{ listStyle: 'none' }}
      aria-label={t('room.people')}
      data-testid="participants"
    >
      {people.map((person) => (
        <Group
          key={person.id}
          component="li"
          justify="space-between"
          wrap="nowrap"
          data-testid={`participant-${person.displayName}`}
        >
          <Group gap={6} wrap="nowrap">
            {person.handUp && <HandIcon label={t('room.handRaised')} />}
            <Text size="sm" truncate>
              {person.displayName}
              {person.id === room.selfId ? ` (${t('room.you')})` : ''}
            </Text>
            <Badge
              size="xs"
              variant="light"
              color={person.role === 'moderator' ? 'indigo' : person.role === 'guest' ? 'gray' : 'teal'}
            >
              {t(`room.role.${person.role}`)}
            </Badge>
            {person.kind === 'phone' && (
              <Badge size="xs" color="grape">
                {t('room.phone')}
              </Badge>
            )}
            {person.ready === true && (
              <Badge size="xs" color="green">
                {t('room.ready')}
              </Badge>
            )}
          </Group>
          {person.id !== room.selfId && (
            <PersonMenu
              person={person}
              room={room}
              session={session}
              onPrivateChat={onPrivateChat}
              pinned={pinned === person.id}
              onPin={onPin}
            />
          )}
        </Group>
      ))}
    </Stack>
  );
}

function PersonMenu({
  person,
  room,
  session,
  onPrivateChat,
  pinned,
  onPin,
}: {
  person: Person;
  room: RoomState;
  session: MeetingSession;
  onPrivateChat: (id: string) => void;
  pinned: boolean;
  onPin: (id: string | undefined) => void;
}) {
  const { t } = useTranslation();
  const moderator = room.role === 'moderator';
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" aria-label={t('room.actionsFor', { name: person.displayName })}>
          ⋯
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={() => onPin(pinned ? undefined : person.id)}>
          {pinned ? t('room.unpin') : t('room.pin')}
        </Menu.Item>
        <Menu.Item onClick={() => onPrivateChat(person.id)}>{t('room.privateMessage')}</Menu.Item>
        {moderator && (
          <>
            <Menu.Item
              onClick={() => session.send('moderation', { action: 'request_mute', targets: [person.id] })}
            >
              {t('room.mod.requestMute')}
            </Menu.Item>
            <Menu.Item onClick={() => session.send('media', { action: 'force_mute', targets: [person.id] })}>
              {t('room.media.forceMute')}
            </Menu.Item>
            <Menu.Item
              onClick={() => session.send('media', { action: 'release_mute', targets: [person.id] })}
            >
              {t('room.media.releaseMute')}
            </Menu.Item>
            {person.kind === 'user' && person.role !== 'moderator' && (
              <Menu.Item
                onClick={() => session.send('moderation', { action: 'grant_moderator', target: person.id })}
              >
                {t('room.mod.grant')}
              </Menu.Item>
            )}
            {person.role === 'moderator' && !person.isOwner && (
              <Menu.Item
                onClick={() => session.send('moderation', { action: 'revoke_moderator', target: person.id })}
              >
                {t('room.mod.revoke')}
              </Menu.Item>
            )}
            {!person.isOwner && (
              <>
                <Menu.Item
                  onClick={() =>
                    session.send('moderation', { action: 'send_to_waiting_room', target: person.id })
                  }
                >
                  {t('room.mod.toWaitingRoom')}
                </Menu.Item>
                <Menu.Item
                  color="red"
                  onClick={() => session.send('moderation', { action: 'kick', target: person.id })}
                >
                  {t('room.mod.kick')}
                </Menu.Item>
                <Menu.Item
                  color="red"
                  onClick={() => session.send('moderation', { action: 'ban', target: person.id })}
                >
                  {t('room.mod.ban')}
                </Menu.Item>
              </>
            )}
          </>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}
