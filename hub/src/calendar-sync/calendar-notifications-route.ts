import { Router, text } from 'express';

import type { CalendarSyncService } from './calendar-sync-service.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Where calendar upstreams push: `POST /connectors/{tenant}/{instance}/calendar-notifications`
 * (and `calendar-lifecycle`). Graph first POSTs `?validationToken=` and wants it echoed as
 * text/plain within 10 s; notifications must be acknowledged within 3 s, so the answer (202) goes
 * out as soon as the receipt is stored and the round is queued, never after the round.
 */
export function calendarNotificationsRouter(service: CalendarSyncService): Router {
  const router = Router();
  // The handshake comes with an empty or text body; notifications are JSON (parsed upstream).
  router.use('/connectors', text({ type: 'text/plain', limit: '64kb' }));
  router.post('/connectors/:tenantId/:instanceId/:kind', (req, res, next) => {
    const { tenantId, instanceId, kind } = req.params;
    if (
      !uuid.test(tenantId) ||
      !uuid.test(instanceId) ||
      (kind !== 'calendar-notifications' && kind !== 'calendar-lifecycle')
    ) {
      next();
      return;
    }
    const query: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(req.query)) if (typeof value === 'string') query[key] = value;
    service.receive(tenantId, instanceId, query, req.body as unknown).then(
      (result) => {
        if ('handshake' in result) {
          res.status(200).type('text/plain').send(result.handshake);
          return;
        }
        // 202 even for rejected items: telling a forger what failed helps nobody but the forger.
        res.status(result.known ? 202 : 404).end();
      },
      (err: unknown) => next(err),
    );
  });
  return router;
}
