import { z } from 'zod';

import { emlFileName } from '../../../mail/folder-transport.js';
import type { MailDelivery } from '../../../mail/mail-repository.js';

export const mailListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const mailDeliverySchema = z.object({
  message_id: z.string(),
  event_id: z.uuid(),
  kind: z.enum(['invite', 'update', 'cancel', 'uninvite']),
  recipient: z.string(),
  subject: z.string(),
  status: z.enum(['pending', 'sent', 'dead']),
  attempts: z.number().int().min(0),
  last_error: z.string().nullable(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  sent_at: z.iso.datetime().nullable(),
});

export const outboxMailSchema = mailDeliverySchema.extend({
  /** The file name in the outbox folder. */
  file: z.string(),
});

export function mailDeliveryJson(delivery: MailDelivery): z.infer<typeof mailDeliverySchema> {
  return {
    message_id: delivery.messageId,
    event_id: delivery.eventId,
    kind: delivery.kind,
    recipient: delivery.recipient,
    subject: delivery.subject,
    status: delivery.status,
    attempts: delivery.attempts,
    last_error: delivery.lastError,
    created_at: delivery.createdAt.toISOString(),
    updated_at: delivery.updatedAt.toISOString(),
    sent_at: delivery.sentAt?.toISOString() ?? null,
  };
}

export function outboxMailJson(delivery: MailDelivery): z.infer<typeof outboxMailSchema> {
  return { ...mailDeliveryJson(delivery), file: emlFileName(delivery.messageId) };
}
