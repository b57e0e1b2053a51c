import { defineConnector } from '@vc/connector-sdk';

import { syncCalendars } from './calendar-sync.js';
import { graphFor } from './graph-context.js';
import { mailboxesInScope } from './mailboxes.js';
import { microsoft365Settings } from './settings.js';
import { graphPush } from './subscriptions.js';
import { syncUsers } from './users-sync.js';

/**
 * Microsoft 365 through Microsoft Graph with app-only credentials: people from `/users` (delta)
 * and the Outlook calendars of chosen mailboxes, whose meetings follow Outlook edits in the core.
 */
export const microsoft365Connector = defineConnector({
  id: 'microsoft365',
  version: '1.0.0',
  displayName: 'Microsoft 365',
  description: 'People from Entra ID and Outlook calendar changes through Microsoft Graph.',
  settings: microsoft365Settings,
  capabilities: {
    users: {
      supportsIncremental: true,
      async check(ctx) {
        await graphFor(ctx).request(null, '/users?$top=1&$select=id');
      },
      sync(ctx, request) {
        return syncUsers(ctx, graphFor(ctx), request);
      },
    },
    calendars: {
      async check(ctx) {
        const graph = graphFor(ctx);
        const mailboxes = await mailboxesInScope(ctx, graph);
        // Every mailbox, so an admin learns which one the app may not read (access policy).
        await Promise.all(
          mailboxes.map((m) => graph.request(m, `/users/${encodeURIComponent(m)}/calendar?$select=id`)),
        );
      },
      sync: syncCalendars,
      push: graphPush,
    },
  },
});
