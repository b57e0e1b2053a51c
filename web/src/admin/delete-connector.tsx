import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { api } from '../api/client.js';
import { useErrorText } from '../api/error-text.js';
import { adminPaths, useAdminMutation } from './admin-queries.js';
import type { Connector } from './admin-types.js';

/** Deletes a connector after a confirmation that says what happens to its people. */
export function DeleteConnector({ connector }: { connector: Connector }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const navigate = useNavigate();
  const [opened, { open, close }] = useDisclosure(false);
  const remove = useAdminMutation(() => api(adminPaths.connector(connector.id), { method: 'DELETE' }));
  return (
    <>
      <Button color="red" variant="outline" onClick={open}>
        {t('admin.delete.button')}
      </Button>
      <Modal opened={opened} onClose={close} title={t('admin.delete.title', { name: connector.name })}>
        <Stack>
          <Text size="sm">{t('admin.delete.text')}</Text>
          {remove.error !== null && (
            <Alert color="red" role="alert">
              {errorText(remove.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('admin.cancel')}
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() => remove.mutate(undefined, { onSuccess: () => void navigate('/admin') })}
            >
              {t('admin.delete.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
