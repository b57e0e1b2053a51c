import { z } from 'zod';

import { emlFileName } from '../../../mail/folder-transport.js';
import type { MailDelivery } from '../../../mail/mail-repository.js';

export const mailListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('Mails at most'),
});

export const mailDeliverySchema = z.object({
  message_id: z.string().describe('The Message-ID header of the mail'),
  event_id: z.uuid().describe('The meeting the mail is about'),
  kind: z.enum(['invite', 'update', 'cancel', 'uninvite']).describe('What the mail tells the recipient'),
  recipient: z.string().describe('The address it goes to'),
  subject: z.string().describe('The subject line'),
  status: z.enum(['pending', 'sent', 'dead']).describe('pending: not sent yet; dead: given up'),
  attempts: z.number().int().min(0).describe('Tries so far'),
  last_error: z.string().nullable().describe('Why the last try failed; null: it did not'),
  created_at: z.iso.datetime().describe('When the mail was planned'),
  updated_at: z.iso.datetime().describe('When its record last changed'),
  sent_at: z.iso.datetime().nullable().describe('When the server accepted it; null: not yet'),
});

export const outboxMailSchema = mailDeliverySchema.extend({
  file: z.string().describe('The file name in the outbox folder'),
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
