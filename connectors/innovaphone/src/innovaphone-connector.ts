import { defineConnector } from '@vc/connector-sdk';

import { innovaphoneSettings } from './settings.js';
import { connect, startReplication, syncUsers } from './sync-users.js';

/**
 * innovaphone PBX: the myApps app service (AppWebsocket login, meetings for PBX users), PBX users
 * replicated through PbxTableUsers, and RCC calls that put a user's phone into a meeting.
 */
export const innovaphoneConnector = defineConnector({
  id: 'innovaphone',
  version: '1.0.0',
  displayName: 'innovaphone PBX',
  description:
    'myApps app for meetings (join by browser or phone), PBX users as a directory, calls placed by the PBX.',
  settings: innovaphoneSettings,
  capabilities: {
    users: {
      supportsIncremental: false,
      async check(ctx) {
        const connection = await connect(ctx);
        try {
          await startReplication(connection);
        } finally {
          connection.close();
        }
      },
      sync: syncUsers,
    },
  },
});
