import express, { type Router } from 'express';

import {
  createCalendarLinkRepository,
  sendProblem,
  type Db,
  type Logger,
  type ProblemCode,
} from '@vc/conference-core';
import {
  verifyWebhook,
  webhookHeaders,
  DEFAULT_TOLERANCE_SECONDS,
  type A12Settings,
} from '@vc/connector-a12';

import type { ConnectorRegistry } from '../connectors/registry.js';
import { openSettings } from '../sync/connector-settings.js';
import type { SecretBox } from '../sync/secret-box.js';
import type { AppointmentSync } from './appointment-sync.js';

export interface A12WebhookDeps {
  readonly db: Db;
  readonly logger: Logger;
  readonly registry: ConnectorRegistry;
  readonly secrets: SecretBox;
  readonly calendars: AppointmentSync;
  readonly now?: () => Date;
}

export const a12WebhookPath = '/v1/hooks/a12/:instanceId';

/**
 * `POST /v1/hooks/a12/{instanceId}`: the push hint of an A12-side extension (A12 has no outbound
 * webhook of its own; signature format in connectors/a12 `webhook-signature.ts`). A valid,
 * fresh, first-seen delivery queues an immediate fetch of the named document and answers 202; it
 * is only a hint, the poll stays the truth. Forged, stale or replayed deliveries are refused.
 */
export function a12WebhookRouter(deps: A12WebhookDeps): Router {
  const router = express.Router();
  const now = deps.now ?? (() => new Date());
  const problem = (status: number, code: ProblemCode, title: string) => ({
    problem: { status, code, title },
  });
  router.post(a12WebhookPath, express.raw({ type: () => true, limit: '64kb' }), async (req, res, next) => {
    try {
      const answer = await handle(req.params.instanceId ?? '', req.body as unknown, req.headers);
      if ('problem' in answer) sendProblem(res, answer.problem);
      else res.status(202).json({ accepted: true });
    } catch (err) {
      next(err);
    }
  });

  const handle = async (
    instanceId: string,
    body: unknown,
    headers: Record<string, string | string[] | undefined>,
  ) => {
    const found = await deps.calendars.findEnabled(instanceId);
    const instance = found?.connectorType === 'a12' ? found : undefined;
    const definition = instance === undefined ? undefined : deps.registry.find(instance.connectorType);
    if (instance === undefined || definition === undefined)
      return problem(404, 'not_found', 'No such A12 connector');
    const opened = openSettings(definition, deps.secrets, instance);
    const settings = opened.ok ? (opened.settings as A12Settings) : undefined;
    if (settings?.webhookSecret === undefined) {
      return problem(404, 'not_found', 'This A12 connector takes no push hints (no webhook secret set)');
    }
    const raw = Buffer.isBuffer(body) ? body.toString('utf8') : '';
    const header = (name: string) => {
      const value = headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const verdict = verifyWebhook(
      settings.webhookSecret,
      { timestamp: header(webhookHeaders.timestamp), signature: header(webhookHeaders.signature) },
      raw,
      now(),
    );
    if (!verdict.ok) {
      deps.logger.warn({ instance: instance.id, reason: verdict.reason }, 'A12 push hint refused');
      if (verdict.reason === 'malformed') return problem(400, 'bad_request', 'Malformed push hint');
      return problem(401, 'unauthorized', `Push hint refused: ${verdict.reason.replace('_', ' ')}`);
    }
    if (!verdict.docRef.startsWith(`${settings.documentModel}/`)) {
      return problem(422, 'validation_failed', `Not a document of model ${settings.documentModel}`);
    }
    // Deliveries older than the window are refused as stale anyway: their ids need not be kept.
    const forgetBefore = new Date(now().getTime() - 2 * DEFAULT_TOLERANCE_SECONDS * 1000);
    if (
      !(await createCalendarLinkRepository(deps.db).acceptDelivery(instance.id, verdict.id, forgetBefore))
    ) {
      deps.logger.warn({ instance: instance.id, delivery: verdict.id }, 'A12 push hint replayed; refused');
      return problem(409, 'conflict', 'This delivery was received before');
    }
    await deps.calendars.hint(instance.tenantId, instance.id, verdict.docRef);
    return { accepted: true };
  };
  return router;
}
