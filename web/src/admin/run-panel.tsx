import { Alert, Group, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { useRunDetail } from './admin-queries.js';
import type { Connector, Run } from './admin-types.js';
import { formatTime } from './format.js';
import { GuardPanel, pendingPeople } from './guard-panel.js';
import { RunStateBadge } from './health-badge.js';

const counters = ['seen', 'created', 'updated', 'deactivated', 'skipped', 'errors'] as const;

/** The connector's open run (or its last one): progress, counters, the guard, skipped entries. */
export function RunPanel({ connector }: { connector: Connector }) {
  const { t } = useTranslation();
  const run = connector.health.current_run ?? connector.health.last_run;
  if (run === null) return <Text c="dimmed">{t('admin.run.none')}</Text>;
  return (
    <Stack>
      <Title order={3} size="h4">
        {connector.health.current_run !== null ? t('admin.run.current') : t('admin.run.last')}
      </Title>
      <RunView
        connectorId={connector.id}
        run={run}
        estimate={connector.health.last_run?.counters.seen ?? 0}
      />
    </Stack>
  );
}

export function RunView({ connectorId, run, estimate }: { connectorId: string; run: Run; estimate: number }) {
  const { t, i18n } = useTranslation();
  const detail = useRunDetail(connectorId, run.id, run.state).data;
  const live = run.state === 'queued' || run.state === 'running';
  // The last finished run's size is the yardstick; without one the bar is striped and full.
  const value = !live ? 100 : estimate > 0 ? Math.min(99, (run.counters.seen / estimate) * 100) : 100;
  const dryRun = run.dry_run && !live ? pendingPeople(run) : undefined;
  return (
    <Stack gap="sm" data-testid="run" data-state={run.state}>
      <Group gap="xs">
        <RunStateBadge state={run.state} />
        <Text size="sm">
          {t(`admin.mode.${run.mode}`)}
          {run.dry_run ? ` · ${t('admin.run.dryRun')}` : ''} · {formatTime(run.created_at, i18n.language)}
        </Text>
      </Group>
      <Progress
        value={value}
        striped={live}
        animated={live}
        aria-label={t('admin.run.progress')}
        data-testid="progress"
      />
      <SimpleGrid cols={{ base: 3, sm: 6 }}>
        {counters.map((name) => (
          <div key={name}>
            <Text size="xs" c="dimmed">
              {t(`admin.counter.${name}`)}
            </Text>
            <Text fw={600} data-testid={`counter-${name}`}>
              {run.counters[name]}
            </Text>
          </div>
        ))}
      </SimpleGrid>
      {run.error !== null && (
        <Alert color="red" role="alert" title={t('admin.run.error')}>
          {run.error.code}: {run.error.message}
        </Alert>
      )}
      {dryRun !== undefined && (
        <Alert color="blue" data-testid="dry-run-diff">
          {t('admin.run.dryRunDiff', {
            create: run.counters.created,
            update: run.counters.updated,
            deactivate: run.pending_deactivations,
          })}
          {dryRun.shown.length > 0 && ` ${dryRun.shown.join(', ')}`}
        </Alert>
      )}
      {run.state === 'needs_approval' && <GuardPanel connectorId={connectorId} run={run} />}
      {detail !== undefined && detail.id === run.id && detail.skipped_records.length > 0 && (
        <>
          <Title order={4} size="h5">
            {t('admin.run.skipped')}
          </Title>
          <Table data-testid="skipped">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.run.entry')}</Table.Th>
                <Table.Th>{t('admin.run.reason')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {detail.skipped_records.map((s, i) => (
                <Table.Tr key={`${s.external_id}-${i}`}>
                  <Table.Td title={s.external_id}>{s.label ?? s.external_id}</Table.Td>
                  <Table.Td>{s.reason}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {detail.skipped_not_shown > 0 && (
            <Text size="sm">{t('admin.notShown', { count: detail.skipped_not_shown })}</Text>
          )}
        </>
      )}
    </Stack>
  );
}
