import { Alert, Button, Center, Group, Loader, Paper, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { ApiError } from '../api/client.js';
import { useErrorText } from '../api/error-text.js';
import { signOut } from '../auth/oidc.js';
import { useConnectors } from './admin-queries.js';

/**
 * Shows the dashboard to tenant administrators only. The API decides: whoever it refuses (403)
 * gets a clear message instead of empty pages that fail one by one.
 */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const connectors = useConnectors();
  if (connectors.isPending) {
    return (
      <Center mih="50vh">
        <Loader role="status" aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (connectors.error instanceof ApiError && connectors.error.status === 403) {
    return (
      <Center mih="60vh" p="md">
        <Paper withBorder shadow="sm" p="xl" maw={520}>
          <Stack>
            <Title order={2}>{t('admin.notAdmin.title')}</Title>
            <Alert color="red" role="alert" data-testid="not-admin">
              {t('admin.notAdmin.text')}
            </Alert>
            <Group>
              <Button component={Link} to="/">
                {t('common.backHome')}
              </Button>
              <Button variant="default" onClick={() => void signOut()}>
                {t('auth.signOut')}
              </Button>
            </Group>
          </Stack>
        </Paper>
      </Center>
    );
  }
  if (connectors.error !== null) {
    return (
      <Alert color="red" role="alert" m="md" title={t('admin.loadFailed')}>
        {errorText(connectors.error)}
      </Alert>
    );
  }
  return children;
}
