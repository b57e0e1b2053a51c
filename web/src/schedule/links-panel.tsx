import { Button, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

import { api, ApiError } from '../api/client.js';
import { useErrorText } from '../api/error-text.js';
import type { DialIn, GuestAccess, GuestLink } from '../api/types.js';
import { CopyField } from './copy-field.js';

/** The join link for members, a guest link (made on request), and the dial-in of the room. */
export function LinksPanel({ roomId, guestAccess }: { roomId: string; guestAccess: GuestAccess }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const links = useQuery({
    queryKey: ['guest-links', roomId],
    queryFn: () => api<GuestLink[]>(`/v1/rooms/${roomId}/invites`),
  });
  const dialIn = useQuery({
    queryKey: ['dial-in', roomId],
    queryFn: async () => {
      try {
        return await api<DialIn>(`/v1/rooms/${roomId}/sip`);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });
  const createLink = useMutation({
    mutationFn: () => api<GuestLink>(`/v1/rooms/${roomId}/invites`, { method: 'POST', body: {} }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['guest-links', roomId] }),
  });
  const enableDialIn = useMutation({
    mutationFn: () => api<DialIn>(`/v1/rooms/${roomId}/sip`, { method: 'PUT', body: {} }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['dial-in', roomId] }),
  });
  const usable = links.data?.find(
    (link) => link.active && (link.expiration === null || Date.parse(link.expiration) > Date.now()),
  );
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={3} size="h4">
          {t('links.title')}
        </Title>
        <CopyField
          label={t('links.joinLink')}
          value={`${location.origin}/rooms/${roomId}`}
          testId="join-link"
        />
        {guestAccess === 'disabled' ? (
          <Text size="sm" c="dimmed">
            {t('links.guestsDisabled')}
          </Text>
        ) : usable !== undefined ? (
          <CopyField
            label={t('links.guestLink')}
            value={`${location.origin}/invite/${usable.invite_code}`}
            testId="guest-link"
          />
        ) : (
          <Button variant="light" loading={createLink.isPending} onClick={() => createLink.mutate()}>
            {t('links.createGuestLink')}
          </Button>
        )}
        {dialIn.data === null && (
          <Button variant="light" loading={enableDialIn.isPending} onClick={() => enableDialIn.mutate()}>
            {t('links.enableDialIn')}
          </Button>
        )}
        {dialIn.data != null && (
          <CopyField
            label={t('links.dialIn')}
            value={
              dialIn.data.number === null
                ? t('links.dialInValue', { id: dialIn.data.sip_id, pin: dialIn.data.password })
                : t('links.dialInValueWithNumber', {
                    number: dialIn.data.number,
                    id: dialIn.data.sip_id,
                    pin: dialIn.data.password,
                  })
            }
          />
        )}
        {[links.error, dialIn.error, createLink.error, enableDialIn.error].map(
          (error, index) =>
            error != null && (
              <Text key={index} c="red" size="sm" role="alert">
                {errorText(error)}
              </Text>
            ),
        )}
      </Stack>
    </Paper>
  );
}
