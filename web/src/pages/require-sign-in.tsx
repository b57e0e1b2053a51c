import { Button, Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';

import { signIn } from '../auth/oidc.js';
import { currentToken } from '../auth/session.js';
import { LanguageSwitch } from '../layout/language-switch.js';

/** Shows its children to a signed-in person, else a sign-in card that comes back to this page. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const location = useLocation();
  if (currentToken() !== undefined) return children;
  return <SignInCard returnTo={location.pathname + location.search} />;
}

export function SignInCard({ returnTo }: { returnTo: string }) {
  const { t } = useTranslation();
  return (
    <Center mih="70vh" p="md">
      <Paper withBorder shadow="sm" p="xl" maw={420} w="100%">
        <Stack>
          <Title order={2}>{t('auth.welcome')}</Title>
          <Text c="dimmed">{t('auth.signInHint')}</Text>
          <Button size="md" onClick={() => void signIn(returnTo)}>
            {t('auth.signIn')}
          </Button>
          <Text size="sm" c="dimmed">
            {t('auth.guestHint')}
          </Text>
          <LanguageSwitch />
        </Stack>
      </Paper>
    </Center>
  );
}
