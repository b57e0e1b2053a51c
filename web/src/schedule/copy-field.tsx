import { ActionIcon, CopyButton, Group, TextInput, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A read-only value with a copy button (join link, guest link, dial-in). */
export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Group align="end" gap="xs" wrap="nowrap">
      <TextInput
        label={label}
        value={value}
        readOnly
        style={{ flex: 1 }}
        data-testid={testId}
        onFocus={(e) => e.currentTarget.select()}
      />
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? t('common.copied') : t('common.copy')}>
            <ActionIcon
              size="lg"
              variant={copied ? 'filled' : 'light'}
              onClick={copy}
              aria-label={`${t('common.copy')}: ${label}`}
            >
              {copied ? '✓' : '⧉'}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
