import { join } from 'node:path';

import {
  createApiV1,
  createPrincipalResolver,
  defineApiExtension,
  type AttemptLimiter,
  type Authenticator,
  type DatabaseHandle,
  type Logger,
  type NodeRegistry,
  type TicketStore,
} from '@vc/conference-core';
import { createAppWebsocketServer } from '@vc/connector-innovaphone';
import type { Express } from 'express';

import { adminEndpoints } from '../admin-api/registry.js';
import { a12WebhookRouter } from '../appointments/a12-webhook.js';
import { calendarNotificationsRouter } from '../calendar-sync/calendar-notifications-route.js';
import type { HubConfig } from '../config.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import type { DevIdp } from '../dev-idp/index.js';
import { createApp, type AppOptions } from '../http/create-app.js';
import { innovaphoneAppEndpoints } from '../innovaphone/app-endpoints.js';
import { rccCallMeIn } from '../innovaphone/call-me-in.js';
import { innovaphoneAppRouter } from '../innovaphone/serve-app.js';
import { outlookAddinRouter } from '../outlook-addin/serve.js';
import type { SecretBox } from '../sync/secret-box.js';
import { webClientRouter } from '../web-client/serve.js';
import type { BackgroundWork } from './background-work.js';

/** What the HTTP server answers: the app for requests and the myApps AppWebsocket for upgrades. */
export interface HttpSurface {
  readonly app: Express;
  /** The myApps app's AppWebsocket (decision 0024), beside signaling on the same upgrades. */
  readonly innovaphoneApps: ReturnType<typeof createAppWebsocketServer> | undefined;
}

/**
 * The `api` role's routes (API v1 with the admin endpoints, web client, Outlook add-in, myApps
 * app, calendar webhooks) and what every hub answers (health, metrics, the development issuer).
 */
export function createHttpSurface(deps: {
  config: HubConfig;
  logger: Logger;
  database: DatabaseHandle;
  url: string;
  auth: Authenticator;
  devIdp: DevIdp | undefined;
  tickets: TicketStore;
  attempts: { readonly bySource: AttemptLimiter; readonly byTarget: AttemptLimiter };
  nodes: NodeRegistry;
  work: BackgroundWork;
  registry: ConnectorRegistry;
  secrets: SecretBox;
  common: Pick<AppOptions, 'metrics' | 'outages' | 'health'>;
}): HttpSurface {
  const { config, logger, database, url, devIdp, work, registry, secrets } = deps;
  const db = database.db;
  const identityProvider =
    devIdp === undefined ? {} : { identityProvider: { path: '/idp', handler: devIdp.router } };
  if (!config.roles.includes('api')) {
    return { app: createApp({ logger, ...deps.common, ...identityProvider }), innovaphoneApps: undefined };
  }
  const { calendarSync } = work;
  const api = createApiV1({
    db,
    logger: logger.child({ component: 'api' }),
    oidc: { issuer: devIdp?.issuer ?? config.oidcIssuer ?? url, clientId: config.oidcClientId },
    authenticate: createPrincipalResolver({ authenticator: deps.auth, db, logger }),
    publicUrl: url,
    validateResponses: config.apiValidateResponses,
    tickets: deps.tickets,
    attempts: deps.attempts,
    mailOutboxDir: config.mail.smtpUrl === undefined ? join(config.dataDir, 'mail-outbox') : undefined,
    dialInNumber: config.mail.dialInNumber,
    locateSignaling: (roomId) => deps.nodes.locate(roomId),
    outboxWritten: work.outboxWritten,
    extensions: [
      defineApiExtension(adminEndpoints, {
        db,
        logger: logger.child({ component: 'admin-api' }),
        registry,
        secrets,
        engine: work.connectorEngine,
        defaultGuardShare: config.syncGuardShare,
        ...(calendarSync !== undefined && {
          // A new or changed calendar connector subscribes and syncs now, not at the next tick.
          connectorChanged: (tenantId: string, instanceId: string) => {
            calendarSync
              .changed(tenantId, instanceId)
              .catch((err: unknown) =>
                logger.warn(
                  { tenant: tenantId, instance: instanceId, err: { message: (err as Error).message } },
                  'calendar sync of a changed connector failed; the schedule tries again',
                ),
              );
          },
        }),
      }),
    ],
  });
  const app = createApp({
    logger,
    ...deps.common,
    api,
    webClient: webClientRouter(),
    outlookAddin: outlookAddinRouter(() => url),
    innovaphoneApp: innovaphoneAppRouter(),
    rawBodyHooks: a12WebhookRouter({
      db,
      logger: logger.child({ component: 'calendars' }),
      registry,
      secrets,
      calendars: work.appointments,
    }),
    ...identityProvider,
    ...(calendarSync === undefined ? {} : { webhooks: calendarNotificationsRouter(calendarSync) }),
  });
  const innovaphoneApps = createAppWebsocketServer({
    endpoint: innovaphoneAppEndpoints({
      db,
      registry,
      secrets,
      events: work.events,
      publicUrl: () => url,
      dialInNumber: config.mail.dialInNumber ?? null,
      callMeIn: (_instanceId, settings) =>
        rccCallMeIn(settings, logger.child({ component: 'innovaphone-rcc' })),
    }),
    logger: logger.child({ component: 'innovaphone' }),
  });
  return { app, innovaphoneApps };
}
