import { Button, Center, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { ApiError, type Credentials } from '../api/client.js';
import { useErrorText } from '../api/error-text.js';
import { Lobby, type LobbyResult } from './lobby.js';
import type { MediaChoice } from './media-choice.js';
import { MeetingRoom } from './meeting-room.js';
import { MeetingSession, type EndReason } from './meeting-session.js';

/** Lobby, then the meeting: the same for members (`/rooms/<id>`) and guests (`/invite/<code>`). */
export function JoinFlow(props: {
  roomId: string;
  credentials: Credentials;
  title: string;
  defaultName: string;
  nameEditable: boolean;
  passwordRequired: boolean;
}) {
  const errorText = useErrorText();
  const [askPassword, setAskPassword] = useState(props.passwordRequired);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [joined, setJoined] = useState<{ session: MeetingSession; media: MediaChoice; lobby: LobbyResult }>();

  const join = (lobby: LobbyResult) => {
    setBusy(true);
    setError(undefined);
    const session = new MeetingSession({
      roomId: props.roomId,
      credentials: props.credentials,
      password: lobby.password,
      displayName: lobby.displayName,
    });
    session.start().then(
      () => setJoined({ session, media: lobby.media, lobby }),
      (err: unknown) => {
        if (err instanceof ApiError && err.detail === 'room password required') setAskPassword(true);
        setError(errorText(err));
        setBusy(false);
      },
    );
  };

  if (joined === undefined) {
    return (
      <Lobby
        title={props.title}
        defaultName={props.defaultName}
        nameEditable={props.nameEditable}
        askPassword={askPassword}
        busy={busy}
        error={error}
        onJoin={join}
      />
    );
  }
  return (
    <InMeeting
      session={joined.session}
      media={joined.media}
      onRejoin={() => {
        setJoined(undefined);
        setBusy(false);
      }}
    />
  );
}

/** The meeting once joined; its header names the event, or the room when it has none. */
function InMeeting({
  session,
  media,
  onRejoin,
}: {
  session: MeetingSession;
  media: MediaChoice;
  onRejoin: () => void;
}) {
  const { t } = useTranslation();
  const status = useSyncExternalStore(session.subscribe, session.snapshot);
  const pendingLeave = useRef<ReturnType<typeof setTimeout>>(undefined);
  // Closing the tab or leaving the page says goodbye, so the others see `left` at once. On
  // unmount the goodbye waits a tick: React's StrictMode unmounts and mounts again at once.
  useEffect(() => {
    clearTimeout(pendingLeave.current);
    const bye = () => session.leave();
    window.addEventListener('pagehide', bye);
    return () => {
      window.removeEventListener('pagehide', bye);
      pendingLeave.current = setTimeout(bye, 0);
    };
  }, [session]);
  switch (status.phase) {
    case 'connecting':
      return (
        <Center mih="100vh">
          <Loader aria-label={t('room.connecting')} />
        </Center>
      );
    case 'waiting':
      return (
        <Notice title={t('room.waitingTitle')} text={t('room.waitingText')} testId="waiting-room">
          <Button variant="default" onClick={() => session.leave()}>
            {t('room.leave')}
          </Button>
        </Notice>
      );
    case 'in_room':
      return (
        <MeetingRoom
          session={session}
          room={status.room}
          reconnecting={false}
          media={media}
          fallbackTitle={t('room.untitled')}
        />
      );
    case 'reconnecting':
      return status.room === undefined ? (
        <Center mih="100vh">
          <Loader aria-label={t('room.reconnecting')} />
        </Center>
      ) : (
        <MeetingRoom
          session={session}
          room={status.room}
          reconnecting
          media={media}
          fallbackTitle={t('room.untitled')}
        />
      );
    case 'ended':
      return <Ended reason={status.reason} onRejoin={onRejoin} />;
  }
}

function Ended({ reason, onRejoin }: { reason: EndReason; onRejoin: () => void }) {
  const { t } = useTranslation();
  return (
    <Notice
      title={t(`room.ended.${reason}.title`)}
      text={t(`room.ended.${reason}.text`)}
      testId={`ended-${reason}`}
    >
      {reason !== 'banned' && reason !== 'kicked' && <Button onClick={onRejoin}>{t('room.rejoin')}</Button>}
      <Button variant="default" component={Link} to="/">
        {t('common.backHome')}
      </Button>
    </Notice>
  );
}

export function Notice({
  title,
  text,
  testId,
  children,
}: {
  title: string;
  text: string;
  testId?: string;
  children?: ReactNode;
}) {
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" maw={480} data-testid={testId} component="main">
        <Stack>
          <Title order={1} size="h3">
            {title}
          </Title>
          <Text>{text}</Text>
          <Group>{children}</Group>
        </Stack>
      </Paper>
    </Center>
  );
}
