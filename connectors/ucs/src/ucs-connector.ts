import { defineConnector } from '@vc/connector-sdk';

import { openSession } from './ldap-session.js';
import { hasListenerFiles } from './listener-phase.js';
import { ucsSettings } from './settings.js';
import { requireActivationAttribute, syncDirectory } from './sync.js';

/**
 * Univention Corporate Server: activated users (`<appid>Activated=TRUE`) and their groups from
 * the UCS LDAP; people sign in through UCS Keycloak (realm `ucs`), which is the core's issuer.
 */
export const ucsConnector = defineConnector({
  id: 'ucs',
  version: '1.0.0',
  displayName: 'Univention Corporate Server',
  description: 'Users and groups from the UCS LDAP directory; sign-in through UCS Keycloak.',
  settings: ucsSettings,
  capabilities: {
    users: {
      supportsIncremental: true,
      async check(ctx) {
        const session = await openSession(ctx.settings, ctx.signal);
        try {
          await session.readBase(ctx.settings.baseDn);
          await requireActivationAttribute(session, ctx.settings.activationAttribute);
        } finally {
          await session.close();
        }
      },
      sync(ctx, request) {
        return syncDirectory(ctx, request, () => openSession(ctx.settings, ctx.signal));
      },
      hasPushedChanges: hasListenerFiles,
    },
  },
});
