import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { api } from '../api/client.js';
import { useErrorText } from '../api/error-text.js';
import { adminPaths } from './admin-queries.js';
import type { Connector } from './admin-types.js';

/** Deletes a connector after a confirmation that says what happens to its people. */
export function DeleteConnector({ connector }: { connector: Connector }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const navigate = useNavigate();
  const [opened, { open, close }] = useDisclosure(false);
  const client = useQueryClient();
  // Leave the page before the lists are refreshed: refreshing first would show this page's own
  // connector as "not found", and unmount this dialog before a callback passed to mutate() ran.
  const remove = useMutation({
    mutationFn: () => api(adminPaths.connector(connector.id), { method: 'DELETE' }),
    onSuccess: () => void navigate('/admin'),
    onSettled: () => client.invalidateQueries({ queryKey: ['admin'] }),
  });
  return (
    <>
      <Button color="red.9" variant="outline" onClick={open}>
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
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
              {t('admin.delete.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
