import { Button, Group, Stack, Tabs, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { useMe } from '../api/queries.js';
import { CalendarFeedButton } from './calendar-feed-button.js';
import { MeetingList } from './meeting-list.js';
import { WeekView } from './week-view.js';

/** My meetings: a list of what is coming, a week calendar, and the way to schedule a new one. */
export function DashboardPage() {
  const { t } = useTranslation();
  // Without the `schedule` permission the server refuses new meetings (decision 0027): no button.
  const maySchedule = useMe().data?.permissions.includes('schedule') === true;
  return (
    <Stack maw={1100} mx="auto">
      <Group justify="space-between">
        <Title order={2}>{t('dashboard.title')}</Title>
        <Group>
          <CalendarFeedButton />
          {maySchedule && (
            <Button component={Link} to="/meetings/new">
              {t('dashboard.newMeeting')}
            </Button>
          )}
        </Group>
      </Group>
      <Tabs defaultValue="list" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="list">{t('dashboard.listTab')}</Tabs.Tab>
          <Tabs.Tab value="week">{t('dashboard.weekTab')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="list" pt="md">
          <MeetingList />
        </Tabs.Panel>
        <Tabs.Panel value="week" pt="md">
          <WeekView />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
