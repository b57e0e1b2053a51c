import { Alert, Button, Group, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { api } from '../api/client.js';
import { useErrorText } from '../api/error-text.js';
import { adminPaths, useAdminMutation, useConnectorTypes } from './admin-queries.js';
import type { Connector } from './admin-types.js';
import { SettingFields, settingsToSend, type SettingValues } from './setting-fields.js';

/** Creates a connector from its type's settings form; it gets the default schedules. */
export function NewConnectorPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const navigate = useNavigate();
  const types = useConnectorTypes().data ?? [];
  const [typeId, setTypeId] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [values, setValues] = useState<SettingValues>({});
  const type = types.find((x) => x.id === (typeId ?? types[0]?.id));
  const create = useAdminMutation((body: unknown) =>
    api<Connector>(adminPaths.connectors, { method: 'POST', body }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (type === undefined) return;
    create.mutate(
      { type: type.id, name, settings: settingsToSend(type, values) },
      { onSuccess: (created) => void navigate(`/admin/connectors/${created.id}`) },
    );
  };

  return (
    <Paper withBorder p="lg" maw={720} component="form" onSubmit={submit}>
      <Stack>
        <Title order={2}>{t('admin.connectors.new')}</Title>
        <Select
          label={t('admin.connectors.type')}
          allowDeselect={false}
          data={types.map((x) => ({ value: x.id, label: x.display_name }))}
          value={type?.id ?? null}
          onChange={(value) => {
            setTypeId(value);
            setValues({});
          }}
        />
        {type !== undefined && (
          <Text size="sm" c="dimmed">
            {type.description}
          </Text>
        )}
        <TextInput
          label={t('admin.connectors.name')}
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <Text size="sm" c="dimmed">
          {t('admin.schedule.newDefault')}
        </Text>
        {type !== undefined && <SettingFields type={type} values={values} onChange={setValues} />}
        {create.error !== null && (
          <Alert color="red" role="alert">
            {errorText(create.error)}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={create.isPending} disabled={type === undefined}>
            {t('admin.connectors.create')}
          </Button>
          <Button variant="default" onClick={() => void navigate('/admin')}>
            {t('admin.cancel')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
