import { createConnectorInstanceRepository, type Db, type EventService } from '@vc/conference-core';
import type { AppEndpoint, InnovaphoneSettings } from '@vc/connector-innovaphone';

import type { ConnectorRegistry } from '../connectors/registry.js';
import { openSettings } from '../sync/connector-settings.js';
import type { SecretBox } from '../sync/secret-box.js';
import { meetingRequests, type CallMeIn } from './meeting-requests.js';

export interface AppEndpointDeps {
  readonly db: Db;
  readonly registry: ConnectorRegistry;
  readonly secrets: SecretBox;
  readonly events: EventService;
  readonly publicUrl: () => string;
  readonly dialInNumber: string | null;
  readonly now?: () => Date;
  /** RCC for "call me in", per instance (the PBX connection); absent: the request says unavailable. */
  readonly callMeIn?: (instanceId: string, settings: InnovaphoneSettings) => CallMeIn;
}

/**
 * The app endpoint of an enabled innovaphone connector instance: its App object password (opened
 * from the sealed settings) and the meeting requests in its tenant. Unknown, disabled or
 * unreadable instances have none (the upgrade answers 404).
 */
export function innovaphoneAppEndpoints(deps: AppEndpointDeps) {
  return async (instanceId: string): Promise<AppEndpoint<unknown> | undefined> => {
    const enabled = await createConnectorInstanceRepository(deps.db).listEnabledAcrossTenants();
    const instance = enabled.find((i) => i.id === instanceId && i.connectorType === 'innovaphone');
    const definition = instance === undefined ? undefined : deps.registry.find('innovaphone');
    if (instance === undefined || definition === undefined) return undefined;
    const opened = openSettings(definition, deps.secrets, instance);
    if (!opened.ok) return undefined;
    const settings = opened.settings as InnovaphoneSettings;
    const handler = meetingRequests({
      db: deps.db,
      events: deps.events,
      publicUrl: deps.publicUrl,
      dialInNumber: deps.dialInNumber,
      now: deps.now ?? (() => new Date()),
      instance: { tenantId: instance.tenantId, id: instance.id },
      settings,
      ...(deps.callMeIn !== undefined && { callMeIn: deps.callMeIn(instance.id, settings) }),
    });
    return {
      password: settings.appPassword,
      apps: [settings.appName],
      handler,
    };
  };
}
