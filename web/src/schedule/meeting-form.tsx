import {
  Alert,
  Button,
  Checkbox,
  Group,
  PasswordInput,
  Select,
  Stack,
  Switch,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import type { GuestAccess } from '../api/types.js';
import { RecurrenceEditor } from './recurrence-editor.js';
import { type Recurrence } from './recurrence.js';
import { allTimeZones } from './zoned-time.js';

/** Everything the form edits; times are wall-clock in `timeZone`. */
export interface MeetingDraft {
  readonly title: string;
  readonly description: string;
  readonly allDay: boolean;
  readonly start: string;
  readonly end: string;
  readonly timeZone: string;
  /** Undefined: a pattern the editor cannot show; it is kept as it is. */
  readonly recurrence: Recurrence | undefined;
  readonly waitingRoom: boolean;
  readonly password: string;
  readonly guestAccess: GuestAccess;
}

const zones = allTimeZones();

export function MeetingForm(props: {
  initial: MeetingDraft;
  submitLabel: string;
  busy: boolean;
  error: string | undefined;
  onSubmit: (draft: MeetingDraft) => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(props.initial);
  const [problem, setProblem] = useState<string>();
  const set = <K extends keyof MeetingDraft>(key: K, value: MeetingDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft.title.trim() === '') return setProblem(t('meeting.titleRequired'));
    if (draft.end <= draft.start) return setProblem(t('meeting.endBeforeStart'));
    setProblem(undefined);
    props.onSubmit(draft);
  };
  const inputType = draft.allDay ? 'date' : 'datetime-local';
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput
          label={t('meeting.title')}
          required
          value={draft.title}
          onChange={(e) => set('title', e.currentTarget.value)}
          maxLength={255}
        />
        <Textarea
          label={t('meeting.description')}
          autosize
          minRows={2}
          value={draft.description}
          onChange={(e) => set('description', e.currentTarget.value)}
        />
        <Checkbox
          label={t('meeting.allDay')}
          checked={draft.allDay}
          onChange={(e) => {
            const allDay = e.currentTarget.checked;
            setDraft((d) => ({
              ...d,
              allDay,
              start: allDay ? d.start.slice(0, 10) : `${d.start.slice(0, 10)}T09:00`,
              end: allDay ? d.end.slice(0, 10) : `${d.end.slice(0, 10)}T10:00`,
            }));
          }}
        />
        <Group grow align="start">
          <TextInput
            type={inputType}
            label={t('meeting.start')}
            required
            value={draft.start}
            onChange={(e) => set('start', e.currentTarget.value)}
          />
          <TextInput
            type={inputType}
            label={t('meeting.end')}
            required
            value={draft.end}
            onChange={(e) => set('end', e.currentTarget.value)}
          />
        </Group>
        <Group grow align="start">
          <Select
            label={t('meeting.timeZone')}
            searchable
            value={draft.timeZone}
            data={zones}
            allowDeselect={false}
            onChange={(zone) => set('timeZone', zone ?? draft.timeZone)}
          />
        </Group>
        {draft.recurrence === undefined ? (
          <Alert color="gray">{t('recurrence.custom')}</Alert>
        ) : (
          <RecurrenceEditor value={draft.recurrence} onChange={(rule) => set('recurrence', rule)} />
        )}
        <Switch
          label={t('meeting.waitingRoom')}
          checked={draft.waitingRoom}
          onChange={(e) => set('waitingRoom', e.currentTarget.checked)}
        />
        <PasswordInput
          label={t('meeting.password')}
          description={t('meeting.passwordHint')}
          value={draft.password}
          onChange={(e) => set('password', e.currentTarget.value)}
          maxLength={255}
        />
        <Select
          label={t('meeting.guestAccess')}
          value={draft.guestAccess}
          allowDeselect={false}
          data={(['disabled', 'waiting_room', 'direct_access'] as const).map((value) => ({
            value,
            label: t(`meeting.guestAccessOption.${value}`),
          }))}
          onChange={(value) => set('guestAccess', value ?? 'disabled')}
        />
        {(problem ?? props.error) !== undefined && (
          <Alert color="red" role="alert">
            {problem ?? props.error}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={props.busy}>
            {props.submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
