import { Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import { AuditTable } from './audit-table.js';

export function AuditPage() {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={2}>{t('admin.audit.title')}</Title>
      <AuditTable />
    </Stack>
  );
}
