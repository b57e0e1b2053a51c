import { ConnectorError, type ConnectorContext } from '@vc/connector-sdk';

import type { GraphClient } from './graph-client.js';
import type { Microsoft365Settings } from './settings.js';

/**
 * The mailboxes whose calendars are watched: the configured list plus, when a group is set, its
 * members' mail addresses (read again each run, so joining the group starts the watch). Lower-cased.
 */
export async function mailboxesInScope(
  ctx: ConnectorContext<Microsoft365Settings>,
  graph: GraphClient,
): Promise<string[]> {
  const found = new Set(ctx.settings.mailboxes.map((m) => m.toLowerCase()));
  if (ctx.settings.groupId !== undefined) {
    let link: string | null =
      `/groups/${ctx.settings.groupId}/transitiveMembers/microsoft.graph.user?$select=mail,accountEnabled&$top=999`;
    while (link !== null) {
      const response = await graph.request(null, link);
      const page = response.body as { value?: unknown; '@odata.nextLink'?: unknown } | null;
      if (page === null || !Array.isArray(page.value)) {
        throw new ConnectorError('invalid_data', 'group members page without value');
      }
      for (const member of page.value as { mail?: unknown; accountEnabled?: unknown }[]) {
        if (typeof member.mail === 'string' && member.accountEnabled !== false)
          found.add(member.mail.toLowerCase());
      }
      link = typeof page['@odata.nextLink'] === 'string' ? page['@odata.nextLink'] : null;
    }
  }
  return [...found].sort();
}
