import { Alert, Button, Group, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { api } from '../api/client.js';
import { useErrorText } from '../api/error-text.js';
import { adminPaths, useAdminMutation } from './admin-queries.js';
import type { Run } from './admin-types.js';

/** Who the run would deactivate, from its report (`deactivate`, and how many are not listed). */
export function pendingPeople(run: Run): { shown: string[]; notShown: number } {
  const report = (typeof run.report === 'object' && run.report !== null ? run.report : {}) as {
    deactivate?: unknown;
    not_shown?: { deactivate?: unknown };
  };
  const shown = Array.isArray(report.deactivate)
    ? report.deactivate.filter((x): x is string => typeof x === 'string')
    : [];
  const notShown = typeof report.not_shown?.deactivate === 'number' ? report.not_shown.deactivate : 0;
  return { shown, notShown };
}

/**
 * A run the guard stopped: more deactivations than the connector's guard share allows. Lists who
 * would be deactivated and lets the admin approve or reject.
 */
export function GuardPanel({ connectorId, run }: { connectorId: string; run: Run }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const decide = useAdminMutation((decision: 'approve' | 'reject') =>
    api(adminPaths.decide(connectorId, run.id, decision), { method: 'POST' }),
  );
  const { shown, notShown } = pendingPeople(run);
  return (
    <Alert
      color="orange"
      title={t('admin.guard.title')}
      data-testid="guard"
      // Mantine's orange title on its light tint misses WCAG AA contrast: the title takes the text colour.
      styles={{ title: { color: 'var(--mantine-color-text)' } }}
    >
      <Text size="sm" mb="xs">
        {t('admin.guard.text', { count: run.pending_deactivations, linked: run.linked_users })}
      </Text>
      <List size="sm" data-testid="guard-people" mb="xs">
        {shown.map((person) => (
          <List.Item key={person}>{person}</List.Item>
        ))}
      </List>
      {notShown > 0 && (
        <Text size="sm" mb="xs">
          {t('admin.notShown', { count: notShown })}
        </Text>
      )}
      {decide.error !== null && (
        <Text c="red.8" size="sm" role="alert">
          {errorText(decide.error)}
        </Text>
      )}
      <Group>
        <Button color="red.9" loading={decide.isPending} onClick={() => decide.mutate('approve')}>
          {t('admin.guard.approve')}
        </Button>
        <Button variant="default" loading={decide.isPending} onClick={() => decide.mutate('reject')}>
          {t('admin.guard.reject')}
        </Button>
      </Group>
    </Alert>
  );
}
