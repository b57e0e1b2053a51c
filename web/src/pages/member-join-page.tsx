import { Center, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';

import { useMe } from '../api/queries.js';
import { JoinFlow } from '../meeting/join-flow.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `/rooms/<id>`, the member link of our mails: lobby and meeting for a signed-in person. */
export function MemberJoinPage() {
  const { t } = useTranslation();
  const { roomId = '' } = useParams();
  const me = useMe();
  if (!uuid.test(roomId)) {
    return <NoSuchRoom />;
  }
  if (me.isPending) {
    return (
      <Center mih="100vh">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  return (
    <JoinFlow
      roomId={roomId}
      credentials={{ kind: 'user' }}
      title={t('lobby.title')}
      defaultName={me.data?.display_name ?? ''}
      nameEditable
      passwordRequired={false}
    />
  );
}

function NoSuchRoom() {
  const { t } = useTranslation();
  return (
    <Center mih="100vh" role="alert">
      {t('errors.noSuchRoom')}
    </Center>
  );
}
