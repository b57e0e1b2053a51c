import { useQuery } from '@tanstack/react-query';

import { api } from './client.js';
import type { EventInvite, MeetingEvent, Me } from './types.js';

export function useMe() {
  return useQuery({ queryKey: ['me'], queryFn: () => api<Me>('/v1/users/me') });
}

/** My meetings with an occurrence in the window (created by me or invited to). */
export function useEvents(from: Date, to: Date) {
  return useQuery({
    queryKey: ['events', from.toISOString(), to.toISOString()],
    queryFn: async () => {
      const items: MeetingEvent[] = [];
      let after: string | null = null;
      do {
        const query = new URLSearchParams({
          time_min: from.toISOString(),
          time_max: to.toISOString(),
          limit: '100',
        });
        if (after !== null) query.set('after', after);
        const page: { items: MeetingEvent[]; next_cursor: string | null } = await api(`/v1/events?${query}`);
        items.push(...page.items);
        after = page.next_cursor;
      } while (after !== null);
      return items;
    },
  });
}

export function useInvites(eventId: string | undefined) {
  return useQuery({
    queryKey: ['invites', eventId],
    enabled: eventId !== undefined,
    queryFn: () => api<EventInvite[]>(`/v1/events/${eventId}/invites`),
  });
}
