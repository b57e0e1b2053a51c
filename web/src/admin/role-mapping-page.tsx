import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../api/client.js';
import { useErrorText } from '../api/error-text.js';
import { useAdminMutation, useConnectors } from './admin-queries.js';
import { SaveFeedback } from './save-feedback.js';

const roles = ['tenant_admin', 'schedule', 'dial_in', 'invite_guests', 'record'] as const;
type Role = (typeof roles)[number];

interface Rule {
  readonly group: { kind: 'connector'; connector_id: string; name: string } | { kind: 'token'; name: string };
  readonly roles: readonly Role[];
  readonly status?: 'synced' | 'not_synced' | 'connector_missing' | 'token_claim';
}
interface Mapping {
  readonly rules: readonly Rule[];
  readonly restricted: readonly Role[];
  readonly open: readonly Role[];
}
/** One editable row: the kind and connector stay strings while the admin edits. */
interface Row {
  kind: 'connector' | 'token';
  connectorId: string;
  name: string;
  roles: Role[];
}

const path = '/v1/admin/role-mapping';

/**
 * The tenant's mapping from directory and token groups to roles (decision 0027), edited as a whole
 * and saved with one PUT; the API answers each field's problem, shown as it says it.
 */
export function RoleMappingPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const mapping = useQuery({ queryKey: ['admin', 'role-mapping'], queryFn: () => api<Mapping>(path) });
  const connectors = useConnectors();
  const [rows, setRows] = useState<Row[] | undefined>(undefined);
  useEffect(() => {
    if (rows === undefined && mapping.data !== undefined) {
      setRows(
        mapping.data.rules.map((rule) => ({
          kind: rule.group.kind,
          connectorId: rule.group.kind === 'connector' ? rule.group.connector_id : '',
          name: rule.group.name,
          roles: [...rule.roles],
        })),
      );
    }
  }, [rows, mapping.data]);
  const save = useAdminMutation((body: unknown) => api<Mapping>(path, { method: 'PUT', body }));

  if (mapping.error !== null) return <Alert color="red">{errorText(mapping.error)}</Alert>;
  if (rows === undefined || mapping.data === undefined) return null;
  const update = (index: number, change: Partial<Row>) =>
    setRows(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({
      rules: rows.map((row) => ({
        group:
          row.kind === 'connector'
            ? { kind: 'connector', connector_id: row.connectorId, name: row.name }
            : { kind: 'token', name: row.name },
        roles: row.roles,
      })),
    });
  };
  const shown = save.data ?? mapping.data;
  return (
    <Stack component="form" onSubmit={submit} maw={900} data-testid="role-mapping">
      <Title order={2}>{t('admin.roles.title')}</Title>
      <Text size="sm">{t('admin.roles.intro')}</Text>
      <Text size="sm" data-testid="role-mapping-open">
        {shown.open.length === 0
          ? t('admin.roles.noneOpen')
          : t('admin.roles.open', { roles: shown.open.map((r) => t(`admin.roles.role.${r}`)).join(', ') })}
      </Text>
      {rows.map((row, index) => (
        <Paper key={index} withBorder p="sm" data-testid="role-rule">
          <Group align="end">
            <Select
              label={t('admin.roles.kind')}
              data={[
                { value: 'connector', label: t('admin.roles.kindConnector') },
                { value: 'token', label: t('admin.roles.kindToken') },
              ]}
              value={row.kind}
              allowDeselect={false}
              onChange={(value) => update(index, { kind: value === 'token' ? 'token' : 'connector' })}
            />
            {row.kind === 'connector' && (
              <Select
                label={t('admin.roles.connector')}
                data={(connectors.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
                value={row.connectorId === '' ? null : row.connectorId}
                onChange={(value) => update(index, { connectorId: value ?? '' })}
              />
            )}
            <TextInput
              label={t('admin.roles.group')}
              value={row.name}
              onChange={(e) => update(index, { name: e.currentTarget.value })}
            />
            {save.data === undefined && mapping.data.rules[index]?.status !== undefined && (
              <Badge variant="light">{t(`admin.roles.status.${mapping.data.rules[index].status}`)}</Badge>
            )}
            <Button variant="subtle" color="red" onClick={() => setRows(rows.filter((_, i) => i !== index))}>
              {t('admin.roles.remove')}
            </Button>
          </Group>
          <Checkbox.Group
            mt="sm"
            label={t('admin.roles.roles')}
            value={row.roles}
            onChange={(value) => update(index, { roles: roles.filter((r) => value.includes(r)) })}
          >
            <Group mt={4}>
              {roles.map((role) => (
                <Checkbox key={role} value={role} label={t(`admin.roles.role.${role}`)} />
              ))}
            </Group>
          </Checkbox.Group>
        </Paper>
      ))}
      <SaveFeedback save={save} />
      <Group>
        <Button
          variant="default"
          onClick={() =>
            setRows([
              ...rows,
              {
                kind: 'connector',
                connectorId: connectors.data?.[0]?.id ?? '',
                name: '',
                roles: ['schedule'],
              },
            ])
          }
        >
          {t('admin.roles.add')}
        </Button>
        <Button type="submit" loading={save.isPending}>
          {t('admin.roles.save')}
        </Button>
      </Group>
    </Stack>
  );
}
