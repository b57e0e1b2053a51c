import { createHash } from 'node:crypto';

import { buffer } from 'node:stream/consumers';

import DKIM from 'nodemailer/lib/dkim/index.js';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';

import { buildIcs } from './ics-builder.js';
import type { MailKind } from './mail-repository.js';
import type { MailContext, MailSettings } from './mail-model.js';
import { singleLine } from './mail-model.js';
import { renderBody } from './render-body.js';

/** DKIM signing keys (RFC 6376), applied when the message is composed. */
export interface DkimSettings {
  readonly domainName: string;
  readonly keySelector: string;
  readonly privateKey: string;
}

export interface ComposedMessage {
  readonly messageId: string;
  readonly kind: MailKind;
  readonly eventId: string;
  /** Envelope sender and recipient. */
  readonly sender: string;
  readonly recipient: string;
  readonly subject: string;
  /** The whole message, CRLF line ends, 7-bit ASCII. */
  readonly raw: string;
}

export interface MessageComposer {
  compose(context: MailContext, stamp: Date): Promise<ComposedMessage>;
}

/** `Name <a@b>` or `a@b` to its parts. */
export function parseAddress(value: string): { name: string; address: string } {
  const match = /^\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value);
  if (match !== null) return { name: (match[1] ?? '').replace(/^"|"$/g, ''), address: match[2] ?? '' };
  return { name: '', address: value.trim() };
}

/**
 * The Message-ID of a mail: the same (event, revision, recipient, kind) always gives the same id,
 * which is what makes sending idempotent and lets receivers drop a duplicate.
 */
export function messageIdFor(
  eventId: string,
  sequence: number,
  recipient: string,
  kind: MailKind,
  domain: string,
): string {
  const who = createHash('sha256').update(recipient.trim().toLowerCase()).digest('hex').slice(0, 20);
  return `<${eventId}.${sequence}.${kind}.${who}@${domain}>`;
}

/**
 * Builds complete messages with nodemailer's MailComposer (DKIM, when configured, signs exactly
 * the bytes that are stored and later sent): multipart/alternative with text, HTML and the
 * `text/calendar; method=...` part, plus the same object as an `.ics` attachment. Bodies are
 * base64: a third faster to encode than quoted-printable, and every client reads it.
 */
export function createMessageComposer(settings: MailSettings, dkim?: DkimSettings): MessageComposer {
  const from = parseAddress(settings.from);
  const domain = from.address.split('@')[1] ?? 'localhost';
  const signer = dkim === undefined ? undefined : new DKIM({ ...dkim });
  return {
    async compose(context, stamp) {
      const body = renderBody(context, settings);
      const ics = buildIcs(context, stamp);
      const recipient = singleLine(context.recipient.email);
      const organizerName = singleLine(context.organizer.name ?? context.organizer.email);
      const messageId = messageIdFor(context.event.id, context.sequence, recipient, context.kind, domain);
      const fileName = ics?.method === 'CANCEL' ? 'cancel.ics' : 'invite.ics';
      const composed = new MailComposer({
        from: { name: `${organizerName} (${from.name || settings.productName})`, address: from.address },
        sender: { name: from.name || settings.productName, address: from.address },
        to: { name: singleLine(context.recipient.name ?? ''), address: recipient },
        replyTo: { name: organizerName, address: singleLine(context.organizer.email) },
        subject: body.subject,
        text: body.text,
        html: body.html,
        messageId,
        date: stamp,
        envelope: { from: from.address, to: [recipient] },
        textEncoding: 'base64',
        newline: 'windows',
        ...(ics !== undefined && {
          // nodemailer adds the same object as an `.ics` attachment by itself.
          icalEvent: { method: ics.method, content: ics.content, filename: fileName },
        }),
      });
      const unsigned = await composed.compile().build();
      const raw = signer === undefined ? unsigned : await buffer(signer.sign(unsigned));
      return {
        messageId,
        kind: context.kind,
        eventId: context.event.id,
        sender: from.address,
        recipient,
        subject: body.subject,
        raw: raw.toString('utf8'),
      };
    },
  };
}
