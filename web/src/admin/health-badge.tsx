import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import type { HealthStatus, RunState } from './admin-types.js';

// Dot badges: the colour is in the dot, the text keeps full contrast (light badges miss WCAG AA).
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
    <Badge color={healthColor[status]} variant="dot" data-testid="health">
      {t(`admin.health.${status}`)}
    </Badge>
  );
}

export function RunStateBadge({ state }: { state: RunState }) {
  const { t } = useTranslation();
  return (
    <Badge color={stateColor[state]} variant="dot" data-testid="run-state">
      {t(`admin.runState.${state}`)}
    </Badge>
  );
}
