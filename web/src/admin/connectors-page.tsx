import { Alert, Anchor, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { useConnectors } from './admin-queries.js';
import { formatTime, scheduleSummary } from './format.js';
import { HealthBadge } from './health-badge.js';

/** Every connector of the tenant: health, schedule and last run at a glance. */
export function ConnectorsPage() {
  const { t, i18n } = useTranslation();
  const connectors = useConnectors().data ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('admin.connectors.title')}</Title>
        <Button component={Link} to="/admin/connectors/new">
          {t('admin.connectors.new')}
        </Button>
      </Group>
      {connectors.length === 0 ? (
        <Alert color="gray">{t('admin.connectors.none')}</Alert>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.connectors.name')}</Table.Th>
                <Table.Th>{t('admin.connectors.type')}</Table.Th>
                <Table.Th>{t('admin.connectors.health')}</Table.Th>
                <Table.Th>{t('admin.connectors.schedule')}</Table.Th>
                <Table.Th>{t('admin.connectors.lastRun')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {connectors.map((connector) => (
                <Table.Tr key={connector.id} data-testid={`connector-${connector.name}`}>
                  <Table.Td>
                    <Anchor component={Link} to={`/admin/connectors/${connector.id}`}>
                      {connector.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{connector.type}</Table.Td>
                  <Table.Td>
                    <HealthBadge status={connector.health.status} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{scheduleSummary(connector, t)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {formatTime(connector.health.last_run?.finished_at ?? null, i18n.language)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
