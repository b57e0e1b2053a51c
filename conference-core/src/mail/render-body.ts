import { compile } from 'html-to-text';

import type { MailContext, MailSettings } from './mail-model.js';
import { normalizedText, singleLine } from './mail-model.js';
import { mailMessages, type MailMessages } from './messages.js';

export interface RenderedBody {
  /** One line, control characters removed: safe as a header. */
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

const toText = compile({
  wordwrap: 100,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'table', format: 'dataTable' },
  ],
});

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Only http(s) links become anchors; anything else (javascript:) is shown as text. */
function link(url: string, label: string): string {
  const clean = singleLine(url);
  if (!/^https?:\/\//i.test(clean)) return escapeHtml(label);
  return `<a href="${escapeHtml(clean)}">${escapeHtml(label)}</a>`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, timeZone: string, allDay: boolean): Intl.DateTimeFormat {
  const key = `${locale} ${timeZone} ${allDay}`;
  let format = formatters.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, {
      timeZone,
      dateStyle: 'full',
      ...(!allDay && { timeStyle: 'short' }),
    });
    formatters.set(key, format);
  }
  return format;
}

/** `Monday, 6 July 2026, 09:00 – 10:00` in the recipient's zone and language. */
function when(context: MailContext, m: MailMessages): string {
  const start = context.occurrence?.startsAt ?? context.event.startsAt;
  const end = context.occurrence?.endsAt ?? context.event.endsAt;
  if (start === null || end === null) return m.timeIndependent;
  const allDay = context.event.isAllDay;
  const zone = allDay ? (context.event.timeZone ?? 'UTC') : context.recipient.timeZone;
  const format = formatter(m.locale, zone, allDay);
  if (allDay) return `${format.formatRange(start, new Date(end.getTime() - 1))} (${m.allDay})`;
  return format.formatRange(start, end);
}

/** Subject, HTML and text of one message, in the recipient's language; every user text escaped. */
export function renderBody(context: MailContext, settings: MailSettings): RenderedBody {
  const m = mailMessages[context.recipient.language];
  const occurrence = context.occurrence;
  const kind = context.kind;
  const title = singleLine(occurrence?.title ?? context.event.title);
  const organizer = singleLine(context.organizer.name ?? context.organizer.email);
  const perOccurrence = occurrence !== undefined && (kind === 'update' || kind === 'cancel');
  const subject = singleLine(perOccurrence ? m.subjectOccurrence[kind](title) : m.subject[kind](title));
  const intro = perOccurrence ? m.introOccurrence[kind](organizer) : m.intro[kind](organizer);
  const showAccess = kind === 'invite' || kind === 'update';

  const rows: [string, string][] = [[m.when, escapeHtml(when(context, m))]];
  if (context.event.recurrence.length > 0) {
    rows.push([
      perOccurrence ? m.occurrenceOf : m.recurring,
      escapeHtml(context.event.recurrence.map(singleLine).join(' ')),
    ]);
  }
  const blocks: string[] = [
    `<h1 style="font-size:20px">${escapeHtml(title)}</h1>`,
    `<p>${escapeHtml(intro)}</p>`,
    `<table>${rows.map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${value}</td></tr>`).join('')}</table>`,
  ];
  if (showAccess) {
    if (context.recipient.kind === 'external' && context.guestUrl !== null) {
      blocks.push(`<p>${m.joinAsGuest}: ${link(context.guestUrl, context.guestUrl)}</p>`);
    } else if (context.joinUrl !== null) {
      blocks.push(`<p>${m.join}: ${link(context.joinUrl, context.joinUrl)}</p>`);
      if (context.recipient.kind === 'directory') blocks.push(`<p>${escapeHtml(m.directoryHint)}</p>`);
    }
    if (context.password !== null && context.password !== '') {
      blocks.push(
        `<p>${escapeHtml(m.password)}: <code>${escapeHtml(singleLine(context.password))}</code></p>`,
      );
    }
    if (context.dialIn !== null) {
      const { number, conferenceId, pin } = context.dialIn;
      const dial: [string, string][] = [
        ...(number !== null ? [[m.dialInNumber, number] as [string, string]] : []),
        [m.conferenceId, conferenceId],
        [m.pin, pin],
      ];
      blocks.push(
        `<h2 style="font-size:16px">${escapeHtml(m.dialIn)}</h2><table>${dial
          .map(
            ([label, value]) =>
              `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(singleLine(value))}</td></tr>`,
          )
          .join('')}</table>`,
      );
    }
  }
  const description = normalizedText(occurrence?.description ?? context.event.description).trim();
  if (description !== '' && kind !== 'uninvite') {
    blocks.push(
      `<h2 style="font-size:16px">${escapeHtml(m.description)}</h2><p>${escapeHtml(description).replace(/\n/g, '<br>')}</p>`,
    );
  }
  if (!context.event.isAllDay && context.event.startsAt !== null) {
    blocks.push(`<p style="color:#666">${escapeHtml(m.timeZoneNote(context.recipient.timeZone))}</p>`);
  }
  blocks.push(`<p style="color:#666">${escapeHtml(m.footer(settings.productName))}</p>`);
  const html =
    `<!doctype html><html lang="${context.recipient.language}"><head><meta charset="utf-8">` +
    `<title>${escapeHtml(subject)}</title></head><body style="font-family:sans-serif">${blocks.join('\n')}</body></html>`;
  return { subject, html, text: toText(html) };
}
