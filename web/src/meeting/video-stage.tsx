import { Avatar, Badge, Box, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { HandIcon } from './hand-icon.js';
import type { MediaChoice } from './media-choice.js';
import type { Person } from './room-state.js';

export type StageLayout = 'grid' | 'speaker';

/**
 * The stage: one tile per person in my (breakout) room, as a grid or as one large tile (the
 * focused person) over a strip of the others. This is the media boundary: the media layer (Janus,
 * another branch) renders each person's video into their tile, publishes mine as `media` says, and
 * names the active speaker as `focusId`; until then a tile shows the person's initials.
 */
export function VideoStage({
  people,
  selfId,
  media,
  layout,
  focusId,
}: {
  people: readonly Person[];
  selfId: string;
  media: MediaChoice;
  layout: StageLayout;
  focusId: string | undefined;
}) {
  const focus =
    layout === 'speaker'
      ? (people.find((p) => p.id === focusId) ?? people.find((p) => p.id !== selfId) ?? people[0])
      : undefined;
  if (focus !== undefined) {
    const others = people.filter((p) => p.id !== focus.id);
    return (
      <Stack p="sm" gap="sm" style={{ flex: 1, minHeight: 0 }} data-testid="video-stage">
        <Box style={{ flex: 1, minHeight: 0, display: 'flex', justifyContent: 'center' }}>
          <Box h="100%" style={{ aspectRatio: '16 / 9', maxWidth: '100%' }}>
            <Tile person={focus} self={focus.id === selfId} media={media} />
          </Box>
        </Box>
        {others.length > 0 && (
          <Group gap="sm" wrap="nowrap" style={{ overflowX: 'auto' }}>
            {others.map((person) => (
              <Box key={person.id} w={200} style={{ flex: 'none' }}>
                <Tile person={person} self={person.id === selfId} media={media} compact />
              </Box>
            ))}
          </Group>
        )}
      </Stack>
    );
  }
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

function Tile({
  person,
  self,
  media,
  compact = false,
}: {
  person: Person;
  self: boolean;
  media: MediaChoice;
  compact?: boolean;
}) {
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
      <Avatar size={compact ? 'md' : 'xl'} color="indigo" radius="xl">
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
        <Box pos="absolute" top={8} right={10}>
          <HandIcon label={t('room.handRaised')} size={28} />
        </Box>
      )}
    </Box>
  );
}
