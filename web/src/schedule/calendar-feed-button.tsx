import { Button, Modal, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api } from '../api/client.js';
import { useErrorText } from '../api/error-text.js';
import { CopyField } from './copy-field.js';

/** My ICS subscription link: created (or replaced) on request, shown once to copy into a calendar. */
export function CalendarFeedButton() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [open, setOpen] = useState(false);
  const feed = useMutation({
    mutationFn: () => api<{ url: string }>('/v1/users/me/calendar_feed', { method: 'POST' }),
  });
  return (
    <>
      <Button variant="default" onClick={() => setOpen(true)}>
        {t('dashboard.calendarFeed')}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t('dashboard.calendarFeed')}>
        <Stack>
          <Text size="sm">{t('dashboard.calendarFeedHint')}</Text>
          {feed.data === undefined ? (
            <Button loading={feed.isPending} onClick={() => feed.mutate()}>
              {t('dashboard.calendarFeedCreate')}
            </Button>
          ) : (
            <CopyField label={t('dashboard.calendarFeedUrl')} value={feed.data.url} />
          )}
          {feed.isError && (
            <Text c="red" role="alert">
              {errorText(feed.error)}
            </Text>
          )}
        </Stack>
      </Modal>
    </>
  );
}
