import { Button, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useRuns } from './admin-queries.js';
import { runStates, type Connector, type Run, type RunState } from './admin-types.js';
import { formatTime } from './format.js';
import { RunStateBadge } from './health-badge.js';
import { RunView } from './run-panel.js';

type Kind = 'full' | 'incremental' | 'dry_run';

/** Whether a run passes the filters; `day` is a local calendar day (YYYY-MM-DD) it started on. */
export function runMatches(
  run: Run,
  filter: { state: RunState | null; kind: Kind | null; day: string },
): boolean {
  if (filter.state !== null && run.state !== filter.state) return false;
  if (filter.kind === 'dry_run' && !run.dry_run) return false;
  if (
    (filter.kind === 'full' || filter.kind === 'incremental') &&
    (run.mode !== filter.kind || run.dry_run)
  ) {
    return false;
  }
  if (filter.day !== '') {
    const started = new Date(run.created_at);
    const local = `${started.getFullYear()}-${String(started.getMonth() + 1).padStart(2, '0')}-${String(started.getDate()).padStart(2, '0')}`;
    if (local !== filter.day) return false;
  }
  return true;
}

/** The connector's last 100 runs, filtered by status, kind and day; one opens in detail. */
export function RunHistory({ connector }: { connector: Connector }) {
  const { t, i18n } = useTranslation();
  const runs = useRuns(connector.id, connector.health.current_run !== null).data ?? [];
  const [state, setState] = useState<RunState | null>(null);
  const [kind, setKind] = useState<Kind | null>(null);
  const [day, setDay] = useState('');
  const [openId, setOpenId] = useState<string>();
  const shown = runs.filter((run) => runMatches(run, { state, kind, day }));
  const open = runs.find((run) => run.id === openId);
  return (
    <Stack>
      <Group align="flex-end">
        <Select
          label={t('admin.history.status')}
          placeholder={t('admin.history.all')}
          clearable
          data={runStates.map((s) => ({ value: s, label: t(`admin.runState.${s}`) }))}
          value={state}
          onChange={(value) => setState(value)}
        />
        <Select
          label={t('admin.history.kind')}
          placeholder={t('admin.history.all')}
          clearable
          data={[
            { value: 'full', label: t('admin.mode.full') },
            { value: 'incremental', label: t('admin.mode.incremental') },
            { value: 'dry_run', label: t('admin.run.dryRun') },
          ]}
          value={kind}
          onChange={(value) => setKind(value)}
        />
        <TextInput
          type="date"
          label={t('admin.history.day')}
          value={day}
          onChange={(e) => setDay(e.currentTarget.value)}
        />
      </Group>
      <Text size="sm" c="dimmed" data-testid="history-count">
        {t('admin.history.count', { count: shown.length, total: runs.length })}
      </Text>
      <Table.ScrollContainer minWidth={600}>
        <Table data-testid="history">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.history.started')}</Table.Th>
              <Table.Th>{t('admin.history.kind')}</Table.Th>
              <Table.Th>{t('admin.history.status')}</Table.Th>
              <Table.Th>{t('admin.history.changes')}</Table.Th>
              <Table.Th>
                <span className="mantine-visually-hidden">{t('admin.history.details')}</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((run) => (
              <Table.Tr key={run.id} data-testid="history-row">
                <Table.Td>{formatTime(run.created_at, i18n.language)}</Table.Td>
                <Table.Td>
                  {t(`admin.mode.${run.mode}`)}
                  {run.dry_run ? ` · ${t('admin.run.dryRun')}` : ''}
                  {run.trigger === 'schedule' ? ` · ${t('admin.history.scheduled')}` : ''}
                </Table.Td>
                <Table.Td>
                  <RunStateBadge state={run.state} />
                </Table.Td>
                <Table.Td>
                  {t('admin.history.changeSummary', {
                    created: run.counters.created,
                    updated: run.counters.updated,
                    deactivated: run.counters.deactivated,
                  })}
                </Table.Td>
                <Table.Td>
                  <Button size="compact-xs" variant="subtle" onClick={() => setOpenId(run.id)}>
                    {t('admin.history.details')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {open !== undefined && <RunView connectorId={connector.id} run={open} estimate={0} />}
    </Stack>
  );
}
