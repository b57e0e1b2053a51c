import type { MailContext, MailSettings } from './mail-model.js';
import { normalizedText, singleLine } from './mail-model.js';
import { mailMessages, type MailMessages } from './messages.js';
import { describeRecurrence } from './recurrence-words.js';

export interface RenderedBody {
  /** One line, control characters removed: safe as a header. */
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

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

  // Each block is written twice, as HTML (user text escaped) and as plain text, so the text part
  // costs no HTML parsing (html-to-text took about a sixth of a whole mail's CPU time).
  const html: string[] = [];
  const text: string[] = [];
  const table = (rows: readonly (readonly [string, string])[]) => {
    html.push(
      `<table>${rows.map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>`,
    );
    text.push(rows.map(([label, value]) => `${label}: ${value}`).join('\n'));
  };
  const paragraph = (value: string, style = '') => {
    html.push(`<p${style}>${escapeHtml(value)}</p>`);
    text.push(value);
  };
  const heading = (value: string) => {
    html.push(`<h2 style="font-size:16px">${escapeHtml(value)}</h2>`);
    text.push(value.toUpperCase());
  };

  html.push(`<h1 style="font-size:20px">${escapeHtml(title)}</h1>`);
  text.push(title.toUpperCase());
  paragraph(intro);
  const rows: [string, string][] = [[m.when, when(context, m)]];
  if (context.event.recurrence.length > 0) {
    rows.push([
      perOccurrence ? m.occurrenceOf : m.recurring,
      describeRecurrence(
        context.event.recurrence,
        context.recipient.language,
        context.event.timeZone ?? context.recipient.timeZone,
      ),
    ]);
  }
  table(rows);
  if (showAccess) {
    const access = (label: string, url: string) => {
      html.push(`<p>${escapeHtml(label)}: ${link(url, url)}</p>`);
      text.push(`${label}: ${singleLine(url)}`);
    };
    if (context.recipient.kind === 'external' && context.guestUrl !== null) {
      access(m.joinAsGuest, context.guestUrl);
    } else if (context.joinUrl !== null) {
      access(m.join, context.joinUrl);
      if (context.recipient.kind === 'directory') paragraph(m.directoryHint);
    }
    if (context.password !== null && context.password !== '') {
      const password = singleLine(context.password);
      html.push(`<p>${escapeHtml(m.password)}: <code>${escapeHtml(password)}</code></p>`);
      text.push(`${m.password}: ${password}`);
    }
    if (context.dialIn !== null) {
      const { number, conferenceId, pin } = context.dialIn;
      heading(m.dialIn);
      table([
        ...(number !== null ? [[m.dialInNumber, singleLine(number)] as const] : []),
        [m.conferenceId, singleLine(conferenceId)],
        [m.pin, singleLine(pin)],
      ]);
    }
  }
  const description = normalizedText(occurrence?.description ?? context.event.description).trim();
  if (description !== '' && kind !== 'uninvite') {
    heading(m.description);
    html.push(`<p>${escapeHtml(description).replace(/\n/g, '<br>')}</p>`);
    text.push(description);
  }
  if (!context.event.isAllDay && context.event.startsAt !== null) {
    paragraph(m.timeZoneNote(context.recipient.timeZone), ' style="color:#666"');
  }
  paragraph(m.footer(settings.productName), ' style="color:#666"');
  const document =
    `<!doctype html><html lang="${context.recipient.language}"><head><meta charset="utf-8">` +
    `<title>${escapeHtml(subject)}</title></head><body style="font-family:sans-serif">${html.join('\n')}</body></html>`;
  return { subject, html: document, text: `${text.join('\n\n')}\n` };
}
