import { Button, Group, NumberInput, Stack, Switch, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../api/client.js';
import { adminPaths, useAdminMutation } from './admin-queries.js';
import type { Connector } from './admin-types.js';
import { SaveFeedback } from './save-feedback.js';

/**
 * The connector's schedules and guard: incremental runs every N minutes, the full run's cron
 * pattern (each can be off: then it runs only when started), and the share of linked people a
 * run may deactivate without an approval. The API validates the cron pattern.
 */
export function ScheduleForm({ connector }: { connector: Connector }) {
  const { t } = useTranslation();
  const [incrementalOn, setIncrementalOn] = useState(connector.incremental_every_ms !== null);
  const [minutes, setMinutes] = useState<string | number>(
    connector.incremental_every_ms === null ? 5 : connector.incremental_every_ms / 60_000,
  );
  const [fullOn, setFullOn] = useState(connector.full_cron !== null);
  const [cron, setCron] = useState(connector.full_cron ?? '30 2 * * *');
  const [guardPercent, setGuardPercent] = useState<string | number>(
    Math.round(connector.guard_share * 1000) / 10,
  );
  const save = useAdminMutation((body: unknown) =>
    api<Connector>(adminPaths.connector(connector.id), { method: 'PATCH', body }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({
      incremental_every_ms: incrementalOn ? Math.round(Number(minutes) * 60_000) : null,
      full_cron: fullOn ? cron.trim() : null,
      guard_share: Number(guardPercent) / 100,
    });
  };

  return (
    <Stack component="form" onSubmit={submit} maw={560} data-testid="schedule-form">
      <Switch
        label={t('admin.schedule.incremental')}
        checked={incrementalOn}
        onChange={(e) => setIncrementalOn(e.currentTarget.checked)}
      />
      <NumberInput
        label={t('admin.schedule.minutes')}
        min={1}
        max={7 * 24 * 60}
        allowDecimal={false}
        disabled={!incrementalOn}
        value={minutes}
        onChange={setMinutes}
      />
      <Switch
        label={t('admin.schedule.full')}
        checked={fullOn}
        onChange={(e) => setFullOn(e.currentTarget.checked)}
      />
      <TextInput
        label={t('admin.schedule.cron')}
        description={t('admin.schedule.cronHint')}
        disabled={!fullOn}
        value={cron}
        onChange={(e) => setCron(e.currentTarget.value)}
      />
      <NumberInput
        label={t('admin.schedule.guard')}
        description={t('admin.schedule.guardHint')}
        min={0}
        max={100}
        decimalScale={1}
        suffix=" %"
        value={guardPercent}
        onChange={setGuardPercent}
      />
      <SaveFeedback save={save} />
      <Group>
        <Button type="submit" loading={save.isPending}>
          {t('admin.schedule.save')}
        </Button>
      </Group>
    </Stack>
  );
}
