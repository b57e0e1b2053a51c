import {
  Alert,
  Badge,
  Box,
  Button,
  Group,
  Menu,
  Notification,
  SegmentedControl,
  Select,
  Stack,
  Tabs,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';

import { LanguageSwitch } from '../layout/language-switch.js';
import { ChatPanel } from './chat-panel.js';
import { CoffeeBreak, TimerBadge } from './coffee-break.js';
import type { MediaChoice } from './media-choice.js';
import type { MeetingSession } from './meeting-session.js';
import { ModerationPanel } from './moderation-panel.js';
import { ParticipantsPanel } from './participants-panel.js';
import { PollsPanel } from './polls-panel.js';
import { emptyMediaView, RoomMedia, type MediaView } from './room-media.js';
import type { Notice, RoomState } from './room-state.js';
import { MixAudio } from './stream-video.js';
import { VideoStage, type StageLayout } from './video-stage.js';

const reactionEmojis = ['👍', '👏', '😂', '🎉', '❤️', '🤔'];

/** The meeting: the stage with everyone, the side panel (people, chat, polls, moderation) and the controls. */
export function MeetingRoom(props: {
  session: MeetingSession;
  room: RoomState;
  reconnecting: boolean;
  media: MediaChoice;
  fallbackTitle: string;
}) {
  const { session, room } = props;
  const { t } = useTranslation();
  const [panel, setPanel] = useState<string | null>('people');
  const [chatTarget, setChatTarget] = useState('global');
  const [media, setMedia] = useState(props.media);
  const [layout, setLayout] = useState<StageLayout>('grid');
  const [pinned, setPinned] = useState<string>();
  const self = room.people.get(room.selfId);
  const myRoom = self?.breakoutRoom ?? null;
  const onStage = [...room.people.values()].filter((p) => p.breakoutRoom === myRoom);
  // A moderator asked everyone (or me) to mute: the client mutes itself.
  useEffect(() => {
    if (room.muteRequested > 0) setMedia((m) => ({ ...m, micOn: false }));
  }, [room.muteRequested]);
  const [roomMedia, video] = useRoomMedia(session, room.selfId, media);
  useEffect(() => {
    if (video.forceMuted) setMedia((m) => ({ ...m, micOn: false }));
  }, [video.forceMuted]);
  const pin = (id: string | undefined) => {
    setPinned(id);
    if (id !== undefined) setLayout('speaker');
  };
  const openPrivateChat = (id: string) => {
    setChatTarget(id);
    setPanel('chat');
  };
  const handUp = self?.handUp === true;

  return (
    <Box h="100vh" style={{ display: 'flex', flexDirection: 'column' }} component="main">
      <Group
        px="md"
        py="xs"
        justify="space-between"
        style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
        component="header"
      >
        <Group gap="sm">
          <Title order={1} size="h4">
            {room.title ?? props.fallbackTitle}
          </Title>
          {(props.reconnecting || (video.available && video.degraded)) && (
            <Badge color="orange" role="status">
              {props.reconnecting ? t('room.reconnecting') : t('room.media.degraded')}
            </Badge>
          )}
          {room.timer !== null && room.timer.style === 'normal' && (
            <TimerBadge timer={room.timer} room={room} session={session} />
          )}
        </Group>
        <Group gap="sm">
          {room.breakout !== null && (
            <Select
              size="xs"
              aria-label={t('room.breakout.myRoom')}
              value={myRoom ?? 'main'}
              allowDeselect={false}
              data={[
                { value: 'main', label: t('room.breakout.mainRoom') },
                ...room.breakout.rooms.map((r) => ({ value: r.id, label: r.name })),
              ]}
              onChange={(value) =>
                session.send('breakout', {
                  action: 'switch_room',
                  room: value === 'main' || value === null ? null : value,
                })
              }
            />
          )}
          <SegmentedControl
            size="xs"
            aria-label={t('room.layout')}
            value={layout}
            onChange={(value) => setLayout(value)}
            data={[
              { value: 'grid', label: t('room.grid') },
              { value: 'speaker', label: t('room.speaker') },
            ]}
          />
          <LanguageSwitch />
        </Group>
      </Group>
      <Box style={{ flex: 1, display: 'flex', minHeight: 0 }}>
        <Box style={{ flex: 1, display: 'flex', flexDirection: 'column', minWidth: 0 }} pos="relative">
          <MediaNotice video={video} />
          <VideoStage
            people={onStage}
            selfId={room.selfId}
            media={media}
            video={video}
            layout={layout}
            focusId={pinned}
          />
          {video.mix !== undefined && <MixAudio stream={video.mix} speakerId={media.speakerId} />}
          <Reactions room={room} />
        </Box>
        <Box
          w={380}
          p="sm"
          style={{
            borderLeft: '1px solid var(--mantine-color-default-border)',
            display: 'flex',
            flexDirection: 'column',
            minHeight: 0,
          }}
          component="aside"
          aria-label={t('room.sidePanel')}
        >
          <Tabs
            value={panel}
            onChange={setPanel}
            style={{ flex: 1, display: 'flex', flexDirection: 'column', minHeight: 0 }}
            keepMounted={false}
          >
            <Tabs.List grow>
              <Tabs.Tab value="people">{t('room.peopleCount', { count: room.people.size })}</Tabs.Tab>
              <Tabs.Tab value="chat">{t('room.chat')}</Tabs.Tab>
              <Tabs.Tab
                value="polls"
                rightSection={
                  room.poll !== null ? (
                    <Badge size="xs" circle>
                      1
                    </Badge>
                  ) : undefined
                }
              >
                {t('room.polls.tab')}
              </Tabs.Tab>
              {room.role === 'moderator' && (
                <Tabs.Tab
                  value="moderation"
                  rightSection={
                    room.waiting.length > 0 ? (
                      <Badge size="xs" circle color="red">
                        {room.waiting.length}
                      </Badge>
                    ) : undefined
                  }
                >
                  {t('room.mod.tab')}
                </Tabs.Tab>
              )}
            </Tabs.List>
            <Tabs.Panel value="people" pt="sm">
              <ParticipantsPanel
                room={room}
                session={session}
                onPrivateChat={openPrivateChat}
                pinned={pinned}
                onPin={pin}
              />
            </Tabs.Panel>
            <Tabs.Panel value="chat" pt="sm" style={{ flex: 1, minHeight: 0 }}>
              <ChatPanel
                room={room}
                session={session}
                target={room.people.has(chatTarget) ? chatTarget : 'global'}
                onTarget={setChatTarget}
              />
            </Tabs.Panel>
            <Tabs.Panel value="polls" pt="sm">
              <PollsPanel room={room} session={session} />
            </Tabs.Panel>
            {room.role === 'moderator' && (
              <Tabs.Panel value="moderation" pt="sm" style={{ overflowY: 'auto' }}>
                <ModerationPanel room={room} session={session} />
              </Tabs.Panel>
            )}
          </Tabs>
        </Box>
      </Box>
      <Group
        justify="center"
        gap="sm"
        p="sm"
        style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}
        component="footer"
        aria-label={t('room.controls')}
      >
        <Tooltip label={t('room.media.forceMuted')} disabled={!video.forceMuted}>
          <Button
            variant={media.micOn ? 'light' : 'filled'}
            color={media.micOn ? 'indigo' : 'red.9'}
            onClick={() => setMedia((m) => ({ ...m, micOn: !m.micOn }))}
            aria-pressed={!media.micOn}
            disabled={video.forceMuted}
          >
            {media.micOn ? t('room.muteMic') : t('room.unmuteMic')}
          </Button>
        </Tooltip>
        <Button
          variant={media.cameraOn ? 'light' : 'filled'}
          color={media.cameraOn ? 'indigo' : 'red.9'}
          onClick={() => setMedia((m) => ({ ...m, cameraOn: !m.cameraOn }))}
          aria-pressed={!media.cameraOn}
        >
          {media.cameraOn ? t('room.cameraOff') : t('room.cameraOn')}
        </Button>
        {video.available && (
          <Button
            variant={video.screen !== undefined ? 'filled' : 'light'}
            aria-pressed={video.screen !== undefined}
            onClick={() =>
              video.screen !== undefined ? roomMedia?.stopScreen() : void roomMedia?.startScreen()
            }
          >
            {video.screen !== undefined ? t('room.stopShare') : t('room.shareScreen')}
          </Button>
        )}
        <Tooltip label={room.raiseHandsEnabled ? '' : t('room.handsOff')} disabled={room.raiseHandsEnabled}>
          <Button
            variant={handUp ? 'filled' : 'light'}
            disabled={!room.raiseHandsEnabled}
            aria-pressed={handUp}
            onClick={() => session.send('raise_hands', { action: handUp ? 'lower_hand' : 'raise_hand' })}
          >
            {handUp ? t('room.lowerHand') : t('room.raiseHand')}
          </Button>
        </Tooltip>
        <Menu position="top">
          <Menu.Target>
            <Button variant="light">{t('room.react')}</Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Group gap={2} p={4}>
              {reactionEmojis.map((emoji) => (
                <Menu.Item
                  key={emoji}
                  onClick={() => session.send('reaction', { action: 'react', emoji })}
                  fz={20}
                  w="auto"
                >
                  {emoji}
                </Menu.Item>
              ))}
            </Group>
          </Menu.Dropdown>
        </Menu>
        <Button color="red.9" onClick={() => session.leave()}>
          {t('room.leave')}
        </Button>
      </Group>
      <Notices notices={room.notices} />
      {room.timer?.style === 'coffee_break' && (
        <CoffeeBreak timer={room.timer} room={room} session={session} />
      )}
    </Box>
  );
}

/**
 * The room's media for as long as the room is shown: joins with the lobby's microphone and camera,
 * then follows the mute and camera buttons. `window.roomMedia` lets tests read decoding stats.
 */
function useRoomMedia(
  session: MeetingSession,
  selfId: string,
  media: MediaChoice,
): [RoomMedia | undefined, MediaView] {
  const [roomMedia, setRoomMedia] = useState<RoomMedia>();
  const initial = useRef({ media, selfId });
  useEffect(() => {
    const created = new RoomMedia(session, initial.current.selfId, initial.current.media.micOn);
    setRoomMedia(created);
    (window as { roomMedia?: RoomMedia }).roomMedia = created;
    void created.startAudio(initial.current.media.micId);
    return () => created.close();
  }, [session]);
  useEffect(() => roomMedia?.setMic(media.micOn), [roomMedia, media.micOn]);
  useEffect(() => {
    void roomMedia?.setCamera(media.cameraOn, media.cameraId);
  }, [roomMedia, media.cameraOn, media.cameraId]);
  const subscribe = useCallback(
    (listener: () => void) => roomMedia?.subscribe(listener) ?? (() => {}),
    [roomMedia],
  );
  const video = useSyncExternalStore(subscribe, () => roomMedia?.snapshot() ?? emptyMediaView);
  return [roomMedia, video];
}

/** Why there is no sound or picture, when the server or the devices say so. */
function MediaNotice({ video }: { video: MediaView }) {
  const { t } = useTranslation();
  if (video.available && !video.deviceError && !video.forceMuted) return null;
  const text = !video.available
    ? t('room.media.unavailable')
    : video.forceMuted
      ? t('room.media.forceMuted')
      : t('room.media.deviceError');
  return (
    <Alert color="orange" variant="light" role="status" mx="sm" mt="xs" py={6} data-testid="media-notice">
      {text}
    </Alert>
  );
}

/** Emoji reactions float over the stage for a few seconds. */
function Reactions({ room }: { room: RoomState }) {
  const [shownFrom, setShownFrom] = useState(0);
  const latest = room.reactions.at(-1)?.seq ?? 0;
  useEffect(() => {
    const timer = setTimeout(() => setShownFrom(latest + 1), 4000);
    return () => clearTimeout(timer);
  }, [latest]);
  const shown = room.reactions.filter((r) => r.seq >= shownFrom);
  return (
    <Stack pos="absolute" bottom={12} left={12} gap={2} aria-live="polite">
      {shown.map((reaction) => (
        <Text key={reaction.seq} size="sm" c="white" bg="dark.5" px={8} style={{ borderRadius: 12 }}>
          {reaction.emoji} {room.people.get(reaction.id)?.displayName ?? ''}
        </Text>
      ))}
    </Stack>
  );
}

/** What the server told me once (someone waits, a mute request, a refusal), each for a few seconds. */
function Notices({ notices }: { notices: readonly Notice[] }) {
  const [dismissed, setDismissed] = useState<ReadonlySet<number>>(new Set());
  const dismiss = useCallback((seq: number) => setDismissed((current) => new Set(current).add(seq)), []);
  return (
    <Stack
      pos="fixed"
      top={64}
      right={400}
      w={320}
      gap="xs"
      style={{ zIndex: 200 }}
      aria-live="assertive"
      data-testid="notices"
    >
      {notices
        .filter((notice) => !dismissed.has(notice.seq))
        .map((notice) => (
          <NoticeItem key={notice.seq} notice={notice} onDismiss={dismiss} />
        ))}
    </Stack>
  );
}

function NoticeItem({ notice, onDismiss }: { notice: Notice; onDismiss: (seq: number) => void }) {
  const { t } = useTranslation();
  useEffect(() => {
    const timer = setTimeout(() => onDismiss(notice.seq), 6000);
    return () => clearTimeout(timer);
  }, [notice.seq, onDismiss]);
  return (
    <Notification
      color={notice.tone === 'warning' ? 'orange' : 'indigo'}
      withCloseButton
      closeButtonProps={{ 'aria-label': t('common.close') }}
      onClose={() => onDismiss(notice.seq)}
    >
      {t(notice.key as 'room.notice.generic', {
        ...notice.values,
        defaultValue: t('room.error.generic', { detail: notice.values['detail'] ?? '' }),
      })}
    </Notification>
  );
}
