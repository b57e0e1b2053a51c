import {
  ActionIcon,
  Autocomplete,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../api/client.js';
import { useErrorText } from '../api/error-text.js';
import { useInvites } from '../api/queries.js';
import type { EventInvite, PublicUser } from '../api/types.js';

/** Invite people from the directory (as participant or moderator) and email addresses (as guest or moderator). */
export function InvitePanel({ eventId }: { eventId: string }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const invites = useInvites(eventId);
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const [userRole, setUserRole] = useState<'user' | 'moderator'>('user');
  const [email, setEmail] = useState('');
  const [emailRole, setEmailRole] = useState<'guest' | 'moderator'>('guest');
  // Names of people picked here, for the list below (the invite itself carries the id only).
  const names = useRef(new Map<string, string>());
  const found = useQuery({
    queryKey: ['users-find', debounced],
    enabled: debounced.length > 0,
    queryFn: () => api<PublicUser[]>(`/v1/users/find?q=${encodeURIComponent(debounced)}&limit=10`),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['invites', eventId] });
  const invite = useMutation({
    mutationFn: (body: Record<string, string>) =>
      api<EventInvite>(`/v1/events/${eventId}/invites`, { method: 'POST', body }),
    onSuccess: refresh,
  });
  const withdraw = useMutation({
    mutationFn: (userId: string) => api(`/v1/events/${eventId}/invites/${userId}`, { method: 'DELETE' }),
    onSuccess: refresh,
  });
  const options = (found.data ?? []).map((user) => ({
    value: user.id,
    label: `${user.display_name} <${user.email}>`,
  }));
  const pick = (label: string) => {
    const user = found.data?.find((u) => `${u.display_name} <${u.email}>` === label);
    if (user === undefined) return;
    names.current.set(user.id, user.display_name);
    invite.mutate({ invitee: user.id, role: userRole });
    setSearch('');
  };
  const inviteEmail = (e: FormEvent) => {
    e.preventDefault();
    if (email.trim() === '') return;
    invite.mutate({ email: email.trim(), role: emailRole }, { onSuccess: () => setEmail('') });
  };
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={3} size="h4">
          {t('invite.title')}
        </Title>
        <Group align="end" wrap="nowrap">
          <Autocomplete
            style={{ flex: 1 }}
            label={t('invite.searchPeople')}
            placeholder={t('invite.searchPlaceholder')}
            value={search}
            onChange={setSearch}
            data={options.map((option) => option.label)}
            onOptionSubmit={pick}
            filter={({ options: all }) => all}
          />
          <Select
            w={150}
            label={t('invite.role')}
            value={userRole}
            allowDeselect={false}
            data={[
              { value: 'user', label: t('invite.roles.user') },
              { value: 'moderator', label: t('invite.roles.moderator') },
            ]}
            onChange={(role) => setUserRole(role ?? 'user')}
          />
        </Group>
        <form onSubmit={inviteEmail}>
          <Group align="end" wrap="nowrap">
            <TextInput
              style={{ flex: 1 }}
              type="email"
              label={t('invite.email')}
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <Select
              w={150}
              label={t('invite.role')}
              value={emailRole}
              allowDeselect={false}
              data={[
                { value: 'guest', label: t('invite.roles.guest') },
                { value: 'moderator', label: t('invite.roles.moderator') },
              ]}
              onChange={(role) => setEmailRole(role ?? 'guest')}
            />
            <Button type="submit" loading={invite.isPending}>
              {t('invite.add')}
            </Button>
          </Group>
        </form>
        {(invite.error ?? withdraw.error) != null && (
          <Text c="red" size="sm" role="alert">
            {errorText(invite.error ?? withdraw.error)}
          </Text>
        )}
        {invites.data !== undefined && invites.data.length > 0 && (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('invite.who')}</Table.Th>
                <Table.Th>{t('invite.role')}</Table.Th>
                <Table.Th>{t('invite.answer')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('invite.remove')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {invites.data.map((row) => {
                const who = row.email ?? names.current.get(row.invitee_user_id ?? '') ?? t('invite.member');
                return (
                  <Table.Tr key={row.id}>
                    <Table.Td>{who}</Table.Td>
                    <Table.Td>{t(`invite.roles.${row.role}`)}</Table.Td>
                    <Table.Td>
                      <Badge variant="light">{t(`invite.status.${row.status}`)}</Badge>
                    </Table.Td>
                    <Table.Td>
                      {/* The API withdraws invitations of registered people; an email invitation stays. */}
                      {row.invitee_user_id !== null && (
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={`${t('invite.remove')}: ${who}`}
                          onClick={() => withdraw.mutate(row.invitee_user_id ?? '')}
                        >
                          ✕
                        </ActionIcon>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}
