import { Alert, Button, Group, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';

import { api } from '../api/client.js';
import { useErrorText } from '../api/error-text.js';
import { adminPaths, useAdminMutation, useConnector } from './admin-queries.js';
import type { Connector, RunMode } from './admin-types.js';
import { AuditTable } from './audit-table.js';
import { DeleteConnector } from './delete-connector.js';
import { scheduleSummary } from './format.js';
import { HealthBadge } from './health-badge.js';
import { RunHistory } from './run-history.js';
import { RunPanel } from './run-panel.js';
import { ScheduleForm } from './schedule-form.js';
import { SettingsForm } from './settings-form.js';

/** One connector: run it, watch it, approve what the guard stopped, and change or delete it. */
export function ConnectorPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { connectorId = '' } = useParams();
  const connector = useConnector(connectorId);
  if (connector.isPending) return <Loader role="status" aria-label={t('common.loading')} />;
  if (connector.error !== null) {
    return (
      <Alert color="red" role="alert">
        {errorText(connector.error)}
      </Alert>
    );
  }
  const c = connector.data;
  return (
    <Stack data-testid={`connector-${c.name}`}>
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="sm">
            <Title order={2}>{c.name}</Title>
            <HealthBadge status={c.health.status} />
          </Group>
          <Text size="sm" c="dimmed" data-testid="schedule">
            {c.type} · {scheduleSummary(c, t)}
          </Text>
        </div>
        <DeleteConnector connector={c} />
      </Group>
      <RunActions connector={c} />
      {/* Forms are keyed by the connector's stored state so a save shows what the server kept. */}
      <Tabs defaultValue="overview" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="overview">{t('admin.tabs.overview')}</Tabs.Tab>
          <Tabs.Tab value="settings">{t('admin.tabs.settings')}</Tabs.Tab>
          <Tabs.Tab value="schedule">{t('admin.tabs.schedule')}</Tabs.Tab>
          <Tabs.Tab value="history">{t('admin.tabs.history')}</Tabs.Tab>
          <Tabs.Tab value="audit">{t('admin.tabs.audit')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <RunPanel connector={c} />
        </Tabs.Panel>
        <Tabs.Panel value="settings" pt="md">
          <SettingsForm connector={c} />
        </Tabs.Panel>
        <Tabs.Panel value="schedule" pt="md">
          <ScheduleForm connector={c} />
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="md">
          <RunHistory connector={c} />
        </Tabs.Panel>
        <Tabs.Panel value="audit" pt="md">
          <AuditTable connectorId={c.id} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

/** Start a run (full, incremental, dry run) or test the connection; one open run at a time. */
function RunActions({ connector }: { connector: Connector }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [notice, setNotice] = useState<{ ok: boolean; text: string }>();
  const start = useAdminMutation((body: { mode: RunMode; dry_run: boolean }) =>
    api(adminPaths.runs(connector.id), { method: 'POST', body }),
  );
  const check = useAdminMutation(() =>
    api<{ ok: boolean; message?: string }>(adminPaths.check(connector.id), { method: 'POST' }),
  );
  const run = (mode: RunMode, dryRun = false) =>
    start.mutate(
      { mode, dry_run: dryRun },
      {
        onSuccess: () => setNotice({ ok: true, text: t('admin.actions.started') }),
        onError: (error) => setNotice({ ok: false, text: errorText(error) }),
      },
    );
  const busy = connector.health.current_run !== null;
  return (
    <Stack gap="xs">
      <Group>
        <Button disabled={busy} onClick={() => run('full')}>
          {t('admin.actions.full')}
        </Button>
        <Button variant="light" disabled={busy} onClick={() => run('incremental')}>
          {t('admin.actions.incremental')}
        </Button>
        <Button variant="light" disabled={busy} onClick={() => run('full', true)}>
          {t('admin.actions.dryRun')}
        </Button>
        <Button
          variant="default"
          loading={check.isPending}
          onClick={() =>
            check.mutate(undefined, {
              onSuccess: (result) =>
                setNotice(
                  result.ok
                    ? { ok: true, text: t('admin.actions.checkOk') }
                    : { ok: false, text: t('admin.actions.checkFailed', { message: result.message ?? '' }) },
                ),
              onError: (error) => setNotice({ ok: false, text: errorText(error) }),
            })
          }
        >
          {t('admin.actions.check')}
        </Button>
      </Group>
      {notice !== undefined && (
        <Text size="sm" role="status" c={notice.ok ? 'teal.9' : 'red.8'} data-testid="notice">
          {notice.text}
        </Text>
      )}
    </Stack>
  );
}
