import { Button, Center, Loader } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { api, ApiError } from '../api/client.js';
import type { InviteRoom } from '../api/types.js';
import { JoinFlow, Notice } from '../meeting/join-flow.js';

/** `/invite/<code>`, the guest link of our mails: checks the code, then lobby and meeting as a guest. */
export function GuestJoinPage() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  const invite = useQuery({
    queryKey: ['invite', code],
    retry: false,
    queryFn: () => api<InviteRoom>('/v1/invite/room', { as: { kind: 'guest', inviteCode: code } }),
  });
  if (invite.isPending) {
    return (
      <Center mih="100vh">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (invite.isError) {
    const invalid =
      invite.error instanceof ApiError && (invite.error.status === 401 || invite.error.status === 404);
    return (
      <Notice
        title={invalid ? t('guest.invalidTitle') : t('errors.generic')}
        text={invalid ? t('guest.invalidText') : t('errors.unavailable')}
        testId="invite-invalid"
      >
        <Button component={Link} to="/">
          {t('common.backHome')}
        </Button>
      </Notice>
    );
  }
  if (invite.data.guest_access === 'disabled') {
    return (
      <Notice title={t('guest.disabledTitle')} text={t('guest.disabledText')} testId="invite-disabled" />
    );
  }
  return (
    <JoinFlow
      roomId={invite.data.room_id}
      credentials={{ kind: 'guest', inviteCode: code }}
      title={t('guest.title')}
      defaultName=""
      nameEditable
      passwordRequired={invite.data.password_required}
    />
  );
}
