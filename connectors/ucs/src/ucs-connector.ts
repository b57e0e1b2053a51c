import { ConnectorError, defineConnector } from '@vc/connector-sdk';
import { z } from 'zod';

// Skeleton so the hub's registry can name the connector; the LDAP sync is being built (issue 6).
export const ucsConnector = defineConnector({
  id: 'ucs',
  version: '0.1.0',
  displayName: 'Univention Corporate Server',
  description: 'Users and groups from the UCS LDAP directory; sign-in through UCS Keycloak.',
  settings: z.object({
    url: z.string().describe('LDAP server URL, ldap:// (with StartTLS) or ldaps://'),
  }),
  capabilities: {
    users: {
      supportsIncremental: true,
      check() {
        return Promise.reject(
          new ConnectorError('upstream_unavailable', 'the UCS connector is not built yet'),
        );
      },
      sync() {
        throw new ConnectorError('upstream_unavailable', 'the UCS connector is not built yet');
      },
    },
  },
});
