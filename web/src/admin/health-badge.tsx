import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import type { HealthStatus, RunState } from './admin-types.js';

const healthColor: Record<HealthStatus, string> = {
  never_run: 'gray',
  ok: 'teal',
  failing: 'red',
  running: 'blue',
  needs_approval: 'orange',
};
const stateColor: Record<RunState, string> = {
  queued: 'gray',
  running: 'blue',
  needs_approval: 'orange',
  completed: 'teal',
  failed: 'red',
  rejected: 'gray',
};

export function HealthBadge({ status }: { status: HealthStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={healthColor[status]} variant="light" data-testid="health">
      {t(`admin.health.${status}`)}
    </Badge>
  );
}

export function RunStateBadge({ state }: { state: RunState }) {
  const { t } = useTranslation();
  return (
    <Badge color={stateColor[state]} variant="light" data-testid="run-state">
      {t(`admin.runState.${state}`)}
    </Badge>
  );
}
