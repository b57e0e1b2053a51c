import { blockLabels, type Locale, type MeetingDetails } from './meeting-details.js';

/**
 * The one block of meeting details in an appointment's body. It is found again by its element id
 * after Outlook has rewritten the HTML (Outlook prefixes ids with `x_` and adds classes and fonts,
 * office-js #5482), replaced in place, and never written twice. Plain-text bodies carry the same
 * block between two marker lines.
 */
export const blockId = 'vc-meeting-block';
const textStart = '-----[ Video meeting / Videokonferenz ]-----';
const textEnd = '-----[ end / Ende ]-----';

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function link(url: string): string {
  const safe = escapeHtml(url);
  return `<a href="${safe}">${safe}</a>`;
}

/** The block as small inline-styled HTML with no nested `div`: clients keep that shape best. */
export function renderHtmlBlock(details: MeetingDetails, locale: Locale): string {
  const t = blockLabels[locale];
  const lines = [
    `<p style="margin:0 0 4px 0"><b>${escapeHtml(t.heading)}</b></p>`,
    `<p style="margin:0 0 4px 0">${escapeHtml(t.join)}: ${link(details.joinUrl)}</p>`,
  ];
  if (details.guestUrl !== null) {
    lines.push(`<p style="margin:0 0 4px 0">${escapeHtml(t.guests)}: ${link(details.guestUrl)}</p>`);
  }
  if (details.dialIn !== null) {
    const number = details.dialIn.number === null ? '' : `${escapeHtml(details.dialIn.number)}, `;
    lines.push(
      `<p style="margin:0 0 4px 0">${escapeHtml(t.phone)}: ${number}${escapeHtml(t.conferenceId)}: ${escapeHtml(details.dialIn.conferenceId)}, ${escapeHtml(t.pin)}: ${escapeHtml(details.dialIn.pin)}</p>`,
    );
  }
  return `<div id="${blockId}" style="border-top:1px solid #919191;padding-top:8px;margin-top:12px">${lines.join('')}</div>`;
}

export function renderTextBlock(details: MeetingDetails, locale: Locale): string {
  const t = blockLabels[locale];
  const lines = [textStart, `${t.join}: ${details.joinUrl}`];
  if (details.guestUrl !== null) lines.push(`${t.guests}: ${details.guestUrl}`);
  if (details.dialIn !== null) {
    const number = details.dialIn.number === null ? '' : `${details.dialIn.number}, `;
    lines.push(
      `${t.phone}: ${number}${t.conferenceId}: ${details.dialIn.conferenceId}, ${t.pin}: ${details.dialIn.pin}`,
    );
  }
  lines.push(textEnd);
  return lines.join('\n');
}

/** Where a block starts: a `div` whose id is ours, with or without Outlook's `x_` prefix. */
const openingTag = new RegExp(`<div\\b[^>]*?\\bid\\s*=\\s*["']?(?:x_)?${blockId}(?=["'\\s/>])[^>]*>`, 'i');

/** The span of the first block in an HTML body (its opening `div` to the matching close), if any. */
function findHtmlBlock(html: string): { start: number; end: number } | undefined {
  const open = openingTag.exec(html);
  if (open === null) return undefined;
  const tags = /<(\/?)div\b[^>]*>/gi;
  tags.lastIndex = open.index + open[0].length;
  let depth = 1;
  for (let tag = tags.exec(html); tag !== null; tag = tags.exec(html)) {
    depth += tag[1] === '/' ? -1 : 1;
    if (depth === 0) return { start: open.index, end: tags.lastIndex };
  }
  // An unclosed block (a truncated body): it runs to the end of the body.
  const bodyEnd = html.search(/<\/body>/i);
  return { start: open.index, end: bodyEnd === -1 ? html.length : bodyEnd };
}

/** Removes every block from an HTML body (more than one only after a faulty older write). */
export function removeHtmlBlocks(html: string): { html: string; at: number | undefined } {
  let at: number | undefined;
  let rest = html;
  for (let found = findHtmlBlock(rest); found !== undefined; found = findHtmlBlock(rest)) {
    at ??= found.start;
    rest = rest.slice(0, found.start) + rest.slice(found.end);
  }
  return { html: rest, at };
}

/** The body with exactly one block: an old one replaced where it was, or a new one at the end. */
export function withHtmlBlock(html: string, block: string): string {
  const { html: clean, at } = removeHtmlBlocks(html);
  if (at !== undefined) return clean.slice(0, at) + block + clean.slice(at);
  const bodyEnd = clean.search(/<\/body>/i);
  return bodyEnd === -1 ? clean + block : clean.slice(0, bodyEnd) + block + clean.slice(bodyEnd);
}

export function removeTextBlocks(text: string): { text: string; at: number | undefined } {
  let at: number | undefined;
  let rest = text;
  for (let start = rest.indexOf(textStart); start !== -1; start = rest.indexOf(textStart)) {
    at ??= start;
    const endMarker = rest.indexOf(textEnd, start);
    const end = endMarker === -1 ? rest.length : endMarker + textEnd.length;
    rest = rest.slice(0, start) + rest.slice(end);
  }
  return { text: rest, at };
}

export function withTextBlock(text: string, block: string): string {
  const { text: clean, at } = removeTextBlocks(text);
  if (at !== undefined) return clean.slice(0, at) + block + clean.slice(at);
  const separator = clean === '' || clean.endsWith('\n\n') ? '' : clean.endsWith('\n') ? '\n' : '\n\n';
  return clean + separator + block;
}
