import { Avatar, Badge, Box, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { HandIcon } from './hand-icon.js';
import type { MediaChoice } from './media-choice.js';
import type { MediaView } from './room-media.js';
import type { Person } from './room-state.js';
import { StreamVideo } from './stream-video.js';

export type StageLayout = 'grid' | 'speaker';

/**
 * The stage: one tile per person in my (breakout) room, as a grid or as one large tile (the
 * focused person) over a strip of the others. A tile shows the person's camera (`video`) or their
 * initials, and a ring while they speak. A shared screen takes the large place over everyone.
 */
export function VideoStage({
  people,
  selfId,
  media,
  video,
  layout,
  focusId,
}: {
  people: readonly Person[];
  selfId: string;
  media: MediaChoice;
  video: MediaView;
  layout: StageLayout;
  focusId: string | undefined;
}) {
  const { t } = useTranslation();
  const share = sharedScreen(people, selfId, video);
  const cameraOf = (id: string) => (id === selfId ? video.camera : video.remote.get(`${id}:camera`));
  const tile = (person: Person, compact = false) => (
    <Tile
      person={person}
      self={person.id === selfId}
      media={media}
      camera={cameraOf(person.id)}
      speaking={video.speaking.has(person.id)}
      compact={compact}
    />
  );
  if (share !== undefined) {
    return (
      <Stack p="sm" gap="sm" style={{ flex: 1, minHeight: 0 }} data-testid="video-stage">
        <Box
          component="section"
          aria-label={t('room.media.screenOf', { name: share.person.displayName })}
          data-testid="screen-share"
          pos="relative"
          bg="dark.8"
          style={{ flex: 1, minHeight: 0, borderRadius: 10 }}
        >
          <StreamVideo stream={share.stream} fit="contain" testId="screen-video" />
          <Text
            pos="absolute"
            bottom={8}
            left={8}
            size="sm"
            c="white"
            style={{ textShadow: '0 1px 2px #000' }}
          >
            {t('room.media.screenOf', { name: share.person.displayName })}
          </Text>
        </Box>
        <Group gap="sm" wrap="nowrap" style={{ overflowX: 'auto' }}>
          {people.map((person) => (
            <Box key={person.id} w={200} style={{ flex: 'none' }}>
              {tile(person, true)}
            </Box>
          ))}
        </Group>
      </Stack>
    );
  }
  const speakingId = people.find((p) => p.id !== selfId && video.speaking.has(p.id))?.id;
  const focus =
    layout === 'speaker'
      ? (people.find((p) => p.id === (focusId ?? speakingId)) ??
        people.find((p) => p.id !== selfId) ??
        people[0])
      : undefined;
  if (focus !== undefined) {
    const others = people.filter((p) => p.id !== focus.id);
    return (
      <Stack p="sm" gap="sm" style={{ flex: 1, minHeight: 0 }} data-testid="video-stage">
        <Box style={{ flex: 1, minHeight: 0, display: 'flex', justifyContent: 'center' }}>
          <Box h="100%" style={{ aspectRatio: '16 / 9', maxWidth: '100%' }}>
            {tile(focus)}
          </Box>
        </Box>
        {others.length > 0 && (
          <Group gap="sm" wrap="nowrap" style={{ overflowX: 'auto' }}>
            {others.map((person) => (
              <Box key={person.id} w={200} style={{ flex: 'none' }}>
                {tile(person, true)}
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
        <Box key={person.id}>{tile(person)}</Box>
      ))}
    </SimpleGrid>
  );
}

/** The screen to show large: someone else's first, else my own (so I see what I share). */
function sharedScreen(
  people: readonly Person[],
  selfId: string,
  video: MediaView,
): { person: Person; stream: MediaStream } | undefined {
  for (const person of people) {
    const stream = video.remote.get(`${person.id}:screen`);
    if (stream !== undefined) return { person, stream };
  }
  const self = people.find((p) => p.id === selfId);
  return self !== undefined && video.screen !== undefined
    ? { person: self, stream: video.screen }
    : undefined;
}

function Tile({
  person,
  self,
  media,
  camera,
  speaking,
  compact = false,
}: {
  person: Person;
  self: boolean;
  media: MediaChoice;
  camera: MediaStream | undefined;
  speaking: boolean;
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
      data-speaking={speaking}
      bg="dark.6"
      pos="relative"
      style={{
        aspectRatio: '16 / 9',
        borderRadius: 10,
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        outline: person.handUp
          ? '3px solid var(--mantine-color-yellow-5)'
          : speaking
            ? '3px solid var(--mantine-color-green-5)'
            : undefined,
      }}
    >
      {camera !== undefined ? (
        <StreamVideo stream={camera} mirrored={self} testId={`video-${person.displayName}`} />
      ) : (
        <Avatar size={compact ? 'md' : 'xl'} color="indigo" radius="xl">
          {initials}
        </Avatar>
      )}
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
        {speaking && (
          <Badge size="xs" color="green">
            {t('room.media.speaking')}
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
