import {
  Alert,
  AspectRatio,
  Box,
  Button,
  Center,
  Group,
  Paper,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { LanguageSwitch } from '../layout/language-switch.js';
import { LevelMeter } from './level-meter.js';
import type { MediaChoice } from './media-choice.js';
import { useMediaPreview, type Devices } from './use-media-preview.js';

export interface LobbyResult {
  readonly displayName: string;
  readonly password: string | undefined;
  readonly media: MediaChoice;
}

const choiceKey = 'vc-media-choice';

function savedChoice(): MediaChoice {
  try {
    const saved = JSON.parse(localStorage.getItem(choiceKey) ?? 'null') as Partial<MediaChoice> | null;
    return {
      cameraOn: saved?.cameraOn ?? true,
      micOn: saved?.micOn ?? true,
      cameraId: saved?.cameraId,
      micId: saved?.micId,
      speakerId: saved?.speakerId,
    };
  } catch {
    return { cameraOn: true, micOn: true, cameraId: undefined, micId: undefined, speakerId: undefined };
  }
}

/**
 * Before joining: camera preview, microphone level, device choice, name (and room password when
 * asked). The preview stops when the lobby closes; the choice goes to the room.
 */
export function Lobby(props: {
  title: string;
  defaultName: string;
  nameEditable: boolean;
  askPassword: boolean;
  busy: boolean;
  error: string | undefined;
  onJoin: (result: LobbyResult) => void;
}) {
  const { t } = useTranslation();
  const [choice, setChoice] = useState<MediaChoice>(savedChoice);
  const [name, setName] = useState(props.defaultName);
  const [password, setPassword] = useState('');
  const [nameProblem, setNameProblem] = useState(false);
  const { stream, problem, devices } = useMediaPreview(choice);
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current !== null) video.current.srcObject = stream ?? null;
  }, [stream]);
  useEffect(() => {
    setName((current) => (current === '' ? props.defaultName : current));
  }, [props.defaultName]);

  const change = (next: Partial<MediaChoice>) => {
    const merged = { ...choice, ...next };
    setChoice(merged);
    localStorage.setItem(choiceKey, JSON.stringify(merged));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() === '') {
      setNameProblem(true);
      return;
    }
    props.onJoin({
      displayName: name.trim(),
      password: props.askPassword ? password : undefined,
      media: choice,
    });
  };
  const hasVideo = stream !== undefined && stream.getVideoTracks().length > 0;

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="lg" w="100%" maw={920} component="main">
        <Group justify="space-between" mb="md">
          <Title order={1} size="h3">
            {props.title}
          </Title>
          <LanguageSwitch />
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
          <Stack gap="xs">
            <AspectRatio ratio={16 / 9}>
              <Box bg="dark.7" style={{ borderRadius: 8, overflow: 'hidden' }}>
                <video
                  ref={video}
                  autoPlay
                  playsInline
                  muted
                  aria-label={t('lobby.preview')}
                  data-testid="preview"
                  style={{
                    width: '100%',
                    height: '100%',
                    objectFit: 'cover',
                    display: hasVideo ? 'block' : 'none',
                    transform: 'scaleX(-1)',
                  }}
                />
                {!hasVideo && (
                  <Center h="100%">
                    <Text c="gray.4">{choice.cameraOn ? t('lobby.noPreview') : t('lobby.cameraOff')}</Text>
                  </Center>
                )}
              </Box>
            </AspectRatio>
            <LevelMeter stream={choice.micOn ? stream : undefined} />
            {problem !== undefined && (
              <Alert color="orange" role="alert" title={t(`lobby.problem.${problem}.title`)}>
                {t(`lobby.problem.${problem}.text`)}
              </Alert>
            )}
          </Stack>
          <form onSubmit={submit} noValidate>
            <Stack>
              <TextInput
                label={t('lobby.name')}
                value={name}
                disabled={!props.nameEditable}
                required
                maxLength={100}
                error={nameProblem ? t('lobby.nameRequired') : undefined}
                onChange={(e) => {
                  setName(e.currentTarget.value);
                  setNameProblem(false);
                }}
              />
              {props.askPassword && (
                <PasswordInput
                  label={t('lobby.password')}
                  value={password}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                  required
                  data-autofocus
                />
              )}
              <Group>
                <Switch
                  label={t('lobby.camera')}
                  checked={choice.cameraOn}
                  onChange={(e) => change({ cameraOn: e.currentTarget.checked })}
                />
                <Switch
                  label={t('lobby.microphone')}
                  checked={choice.micOn}
                  onChange={(e) => change({ micOn: e.currentTarget.checked })}
                />
              </Group>
              <DeviceSelect
                label={t('lobby.cameraDevice')}
                devices={devices.cameras}
                value={choice.cameraId}
                onChange={(cameraId) => change({ cameraId })}
              />
              <DeviceSelect
                label={t('lobby.microphoneDevice')}
                devices={devices.microphones}
                value={choice.micId}
                onChange={(micId) => change({ micId })}
              />
              <SpeakerSelect
                devices={devices}
                value={choice.speakerId}
                onChange={(speakerId) => change({ speakerId })}
              />
              {props.error !== undefined && (
                <Alert color="red" role="alert" data-testid="join-error">
                  {props.error}
                </Alert>
              )}
              <Button type="submit" size="md" loading={props.busy}>
                {t('lobby.join')}
              </Button>
            </Stack>
          </form>
        </SimpleGrid>
      </Paper>
    </Center>
  );
}

function DeviceSelect(props: {
  label: string;
  devices: readonly MediaDeviceInfo[];
  value: string | undefined;
  onChange: (id: string | undefined) => void;
}) {
  const { t } = useTranslation();
  const data = props.devices
    .filter((device) => device.deviceId !== '')
    .map((device, index) => ({
      value: device.deviceId,
      label: device.label || t('lobby.deviceNumber', { number: index + 1 }),
    }));
  return (
    <Select
      label={props.label}
      placeholder={data.length === 0 ? t('lobby.noDevices') : t('lobby.defaultDevice')}
      data={data}
      value={props.value ?? null}
      disabled={data.length === 0}
      onChange={(id) => props.onChange(id ?? undefined)}
      clearable
    />
  );
}

/** Speaker choice needs `setSinkId` (not in every browser): without it the select is left out. */
function SpeakerSelect({
  devices,
  value,
  onChange,
}: {
  devices: Devices;
  value: string | undefined;
  onChange: (id: string | undefined) => void;
}) {
  const { t } = useTranslation();
  if (!('setSinkId' in HTMLMediaElement.prototype)) return null;
  return (
    <DeviceSelect
      label={t('lobby.speakerDevice')}
      devices={devices.speakers}
      value={value}
      onChange={onChange}
    />
  );
}
