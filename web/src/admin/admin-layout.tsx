import { AppShell, Burger, Button, Group, NavLink, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';

import { signOut } from '../auth/oidc.js';
import { LanguageSwitch } from '../layout/language-switch.js';

/**
 * The dashboard's frame: title, language and sign-out in the header, the sections on the left.
 */
export function AdminLayout() {
  const { t } = useTranslation();
  const location = useLocation();
  const [opened, { toggle }] = useDisclosure();
  const sections = [
    {
      to: '/admin',
      label: t('admin.nav.connectors'),
      active: !/^\/admin\/(audit|roles)/.test(location.pathname),
    },
    { to: '/admin/audit', label: t('admin.nav.audit'), active: location.pathname.startsWith('/admin/audit') },
    { to: '/admin/roles', label: t('admin.nav.roles'), active: location.pathname.startsWith('/admin/roles') },
  ];
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('admin.nav.menu')}
            />
            <Title order={1} size="h4">
              {t('admin.title')}
            </Title>
          </Group>
          <Group gap="sm">
            <LanguageSwitch />
            <Button variant="subtle" size="xs" onClick={() => void signOut()}>
              {t('auth.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t('admin.nav.label')}>
        {sections.map((section) => (
          <NavLink
            key={section.to}
            component={Link}
            to={section.to}
            label={section.label}
            active={section.active}
            variant="filled"
            aria-current={section.active ? 'page' : undefined}
          />
        ))}
        <NavLink component={Link} to="/" label={t('admin.nav.meetings')} mt="md" />
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
