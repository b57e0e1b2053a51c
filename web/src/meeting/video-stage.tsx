import { Avatar, Badge, Box, Group, SimpleGrid, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import type { MediaChoice } from './media-choice.js';
import type { Person } from './room-state.js';

/**
 * The stage: one tile per person in my (breakout) room. This is the media boundary: the media
 * layer (Janus, another branch) renders each person's video into their tile and publishes mine
 * as `media` says; until then a tile shows the person's initials.
 */
export function VideoStage({
  people,
  selfId,
  media,
}: {
  people: readonly Person[];
  selfId: string;
  media: MediaChoice;
}) {
  const cols = people.length <= 1 ? 1 : people.length <= 4 ? 2 : people.length <= 9 ? 3 : 4;
  return (
    <SimpleGrid
      cols={{ base: Math.min(cols, 2), md: cols }}
      spacing="sm"
      p="sm"
      style={{ flex: 1, alignContent: 'center' }}
      data-testid="video-stage"
    >
      {people.map((person) => (
        <Tile key={person.id} person={person} self={person.id === selfId} media={media} />
      ))}
    </SimpleGrid>
  );
}

function Tile({ person, self, media }: { person: Person; self: boolean; media: MediaChoice }) {
  const { t } = useTranslation();
  const initials = person.displayName
    .split(/\s+/)
    .map((word) => word[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return (
    <Box
      component="section"
      aria-label={person.displayName}
      data-testid={`tile-${person.displayName}`}
      bg="dark.6"
      pos="relative"
      style={{
        aspectRatio: '16 / 9',
        borderRadius: 10,
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        outline: person.handUp ? '3px solid var(--mantine-color-yellow-5)' : undefined,
      }}
    >
      <Avatar size="xl" color="indigo" radius="xl">
        {initials}
      </Avatar>
      <Group pos="absolute" bottom={8} left={8} gap={6}>
        <Text size="sm" c="white" fw={500} style={{ textShadow: '0 1px 2px #000' }}>
          {person.displayName}
          {self ? ` (${t('room.you')})` : ''}
        </Text>
        {self && !media.micOn && (
          <Badge size="xs" color="gray">
            {t('room.muted')}
          </Badge>
        )}
        {person.kind === 'phone' && (
          <Badge size="xs" color="grape">
            {t('room.phone')}
          </Badge>
        )}
      </Group>
      {person.handUp && (
        <Text pos="absolute" top={6} right={10} fz={24} aria-label={t('room.handRaised')} role="img">
          ✋
        </Text>
      )}
    </Box>
  );
}
