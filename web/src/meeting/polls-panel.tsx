import {
  Button,
  Checkbox,
  Group,
  NumberInput,
  Progress,
  Radio,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import type { MeetingSession } from './meeting-session.js';
import type { Poll, RoomState } from './room-state.js';

/** Running poll (vote, live results), the last result, and for moderators the form to start one. */
export function PollsPanel({ room, session }: { room: RoomState; session: MeetingSession }) {
  const { t } = useTranslation();
  return (
    <Stack gap="md">
      {room.poll !== null && (
        <RunningPoll poll={room.poll} session={session} moderator={room.role === 'moderator'} />
      )}
      {room.poll === null && room.lastPoll !== null && (
        <Stack gap={6} data-testid="poll-result">
          <Title order={3} size="h6">
            {t('room.polls.resultOf', { topic: room.lastPoll.topic })}
          </Title>
          <Results choices={room.lastPoll.choices} results={room.lastPoll.results} />
        </Stack>
      )}
      {room.poll === null && room.role === 'moderator' && <NewPoll session={session} />}
      {room.poll === null && room.lastPoll === null && room.role !== 'moderator' && (
        <Text size="sm" c="dimmed">
          {t('room.polls.none')}
        </Text>
      )}
    </Stack>
  );
}

function Results({
  choices,
  results,
}: {
  choices: Poll['choices'];
  results: readonly { id: number; count: number }[];
}) {
  const total = results.reduce((sum, r) => sum + r.count, 0);
  return (
    <Stack gap={4}>
      {choices.map((choice) => {
        const count = results.find((r) => r.id === choice.id)?.count ?? 0;
        return (
          <div key={choice.id}>
            <Group justify="space-between">
              <Text size="sm">{choice.content}</Text>
              <Text size="sm" fw={600}>
                {count}
              </Text>
            </Group>
            <Progress
              value={total === 0 ? 0 : (count / total) * 100}
              aria-label={`${choice.content}: ${count}`}
            />
          </div>
        );
      })}
    </Stack>
  );
}

function RunningPoll({
  poll,
  session,
  moderator,
}: {
  poll: Poll;
  session: MeetingSession;
  moderator: boolean;
}) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<number[]>([]);
  const vote = (e: FormEvent) => {
    e.preventDefault();
    if (chosen.length > 0) session.send('polls', { action: 'vote', poll_id: poll.id, choice_ids: chosen });
  };
  return (
    <Stack gap={6} data-testid="running-poll">
      <Title order={3} size="h6">
        {poll.topic}
      </Title>
      {poll.voted ? (
        <Text size="sm" c="teal">
          {t('room.polls.voted')}
        </Text>
      ) : (
        <form onSubmit={vote}>
          <Stack gap={6}>
            {poll.multipleChoice ? (
              <Checkbox.Group
                value={chosen.map(String)}
                onChange={(values) => setChosen(values.map(Number))}
                aria-label={poll.topic}
              >
                <Stack gap={4}>
                  {poll.choices.map((choice) => (
                    <Checkbox key={choice.id} value={String(choice.id)} label={choice.content} />
                  ))}
                </Stack>
              </Checkbox.Group>
            ) : (
              <Radio.Group
                value={chosen[0] === undefined ? null : String(chosen[0])}
                onChange={(value) => setChosen([Number(value)])}
                aria-label={poll.topic}
              >
                <Stack gap={4}>
                  {poll.choices.map((choice) => (
                    <Radio key={choice.id} value={String(choice.id)} label={choice.content} />
                  ))}
                </Stack>
              </Radio.Group>
            )}
            <Button size="xs" type="submit" disabled={chosen.length === 0}>
              {t('room.polls.vote')}
            </Button>
          </Stack>
        </form>
      )}
      {poll.results !== undefined && <Results choices={poll.choices} results={poll.results} />}
      {moderator && (
        <Button
          size="xs"
          variant="light"
          onClick={() => session.send('polls', { action: 'finish', poll_id: poll.id })}
        >
          {t('room.polls.finish')}
        </Button>
      )}
    </Stack>
  );
}

function NewPoll({ session }: { session: MeetingSession }) {
  const { t } = useTranslation();
  const [topic, setTopic] = useState('');
  const [choices, setChoices] = useState('');
  const [multiple, setMultiple] = useState(false);
  const [live, setLive] = useState(true);
  const [minutes, setMinutes] = useState<number>(2);
  const [problem, setProblem] = useState<string>();
  const start = (e: FormEvent) => {
    e.preventDefault();
    const list = choices
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    if (topic.trim() === '' || list.length < 2 || list.length > 20) {
      setProblem(t('room.polls.needChoices'));
      return;
    }
    setProblem(undefined);
    session.send('polls', {
      action: 'start',
      topic: topic.trim(),
      choices: list,
      multiple_choice: multiple,
      live,
      duration: Math.round(minutes * 60),
    });
    setTopic('');
    setChoices('');
  };
  return (
    <form onSubmit={start}>
      <Stack gap={6}>
        <Title order={3} size="h6">
          {t('room.polls.new')}
        </Title>
        <TextInput
          size="xs"
          label={t('room.polls.topic')}
          value={topic}
          maxLength={200}
          onChange={(e) => setTopic(e.currentTarget.value)}
        />
        <Textarea
          size="xs"
          label={t('room.polls.choices')}
          description={t('room.polls.choicesHint')}
          autosize
          minRows={3}
          value={choices}
          onChange={(e) => setChoices(e.currentTarget.value)}
        />
        <Group gap="md">
          <Checkbox
            size="xs"
            label={t('room.polls.multiple')}
            checked={multiple}
            onChange={(e) => setMultiple(e.currentTarget.checked)}
          />
          <Checkbox
            size="xs"
            label={t('room.polls.live')}
            checked={live}
            onChange={(e) => setLive(e.currentTarget.checked)}
          />
        </Group>
        <NumberInput
          size="xs"
          w={120}
          label={t('room.timer.minutes')}
          min={1}
          max={1440}
          value={minutes}
          onChange={(value) => setMinutes(Number(value) || 1)}
        />
        {problem !== undefined && (
          <Text size="xs" c="red" role="alert">
            {problem}
          </Text>
        )}
        <Button size="xs" type="submit">
          {t('room.polls.start')}
        </Button>
      </Stack>
    </form>
  );
}
