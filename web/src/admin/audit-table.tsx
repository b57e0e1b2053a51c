import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { useAudit, useConnectors } from './admin-queries.js';
import { formatTime } from './format.js';

const knownActions = [
  'connector_created',
  'connector_updated',
  'connector_deleted',
  'connector_checked',
  'run_started',
  'run_approved',
  'run_rejected',
] as const;

/** Who changed what when: the whole tenant's log, or one connector's. Values are never logged. */
export function AuditTable({ connectorId }: { connectorId?: string }) {
  const { t, i18n } = useTranslation();
  const entries = useAudit(connectorId).data ?? [];
  const actionText = (action: string): string => {
    const known = knownActions.find((k) => k === action.replace('.', '_'));
    return known === undefined ? action : t(`admin.audit.actions.${known}`);
  };
  const names = new Map((useConnectors().data ?? []).map((c) => [c.id, c.name]));
  if (entries.length === 0) return <Text c="dimmed">{t('admin.audit.none')}</Text>;
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped data-testid="audit">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('admin.audit.at')}</Table.Th>
            {connectorId === undefined && <Table.Th>{t('admin.audit.connector')}</Table.Th>}
            <Table.Th>{t('admin.audit.action')}</Table.Th>
            <Table.Th>{t('admin.audit.actor')}</Table.Th>
            <Table.Th>{t('admin.audit.details')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((entry) => (
            <Table.Tr key={entry.id}>
              <Table.Td>{formatTime(entry.at, i18n.language)}</Table.Td>
              {connectorId === undefined && (
                <Table.Td>
                  {entry.connector_id === null
                    ? '–'
                    : (names.get(entry.connector_id) ?? t('admin.audit.deleted'))}
                </Table.Td>
              )}
              <Table.Td>{actionText(entry.action)}</Table.Td>
              <Table.Td>{entry.actor}</Table.Td>
              <Table.Td>
                <Text size="xs" ff="monospace">
                  {JSON.stringify(entry.details)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
