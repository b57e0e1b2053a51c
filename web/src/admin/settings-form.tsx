import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../api/client.js';
import { adminPaths, useAdminMutation, useConnectorTypes } from './admin-queries.js';
import type { Connector } from './admin-types.js';
import { SettingFields, settingsToSend, type SettingValues } from './setting-fields.js';
import { SaveFeedback } from './save-feedback.js';

/**
 * Edits a connector's name and settings. Only what was changed is sent; a secret is sent only
 * when typed, so the stored one stays otherwise (the API never returns it).
 */
export function SettingsForm({ connector }: { connector: Connector }) {
  const { t } = useTranslation();
  const type = useConnectorTypes().data?.find((x) => x.id === connector.type);
  const [name, setName] = useState(connector.name);
  const [values, setValues] = useState<SettingValues>({});
  const save = useAdminMutation((body: unknown) =>
    api<Connector>(adminPaths.connector(connector.id), { method: 'PATCH', body }),
  );
  if (type === undefined) return <Text c="dimmed">{t('admin.settings.unknownType')}</Text>;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const settings = settingsToSend(type, values);
    save.mutate(
      {
        ...(name === connector.name ? {} : { name }),
        ...(Object.keys(settings).length === 0 ? {} : { settings }),
      },
      // Typed secrets are sent once and then forgotten by the form.
      { onSuccess: () => setValues({}) },
    );
  };

  return (
    <Stack component="form" onSubmit={submit} maw={720} data-testid="settings-form">
      <TextInput
        label={t('admin.connectors.name')}
        required
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
      />
      <SettingFields type={type} stored={connector.settings} values={values} onChange={setValues} />
      <SaveFeedback save={save} />
      <Group>
        <Button type="submit" loading={save.isPending}>
          {t('admin.settings.save')}
        </Button>
      </Group>
    </Stack>
  );
}
