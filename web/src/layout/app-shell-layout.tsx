import { Anchor, AppShell, Button, Group, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, Outlet } from 'react-router';

import { signOut } from '../auth/oidc.js';
import { currentToken } from '../auth/session.js';
import { LanguageSwitch } from './language-switch.js';

/** Header (product name, language, sign-out) around the dashboard pages. */
export function AppShellLayout() {
  const { t } = useTranslation();
  const signedIn = currentToken() !== undefined;
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Anchor component={Link} to="/" underline="never" c="inherit">
            <Title order={1} size="h4">
              {t('app.name')}
            </Title>
          </Anchor>
          <Group gap="sm">
            <LanguageSwitch />
            {signedIn && (
              <Button variant="subtle" size="xs" onClick={() => void signOut()}>
                {t('auth.signOut')}
              </Button>
            )}
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
      <AppShell.Footer withBorder={false} p="xs" pos="static">
        <Text size="xs" c="dimmed" ta="center">
          {t('app.footer')}
        </Text>
      </AppShell.Footer>
    </AppShell>
  );
}
