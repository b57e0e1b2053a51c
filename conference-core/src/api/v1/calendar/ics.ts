/**
 * A small iCalendar (RFC 5545) writer for the personal feed: text escaping (3.3.11), line folding
 * at 75 octets without splitting a UTF-8 sequence (3.1), CRLF line endings. No dependency: the
 * feed needs only a handful of properties.
 */

/** Escapes a TEXT value: backslash, semicolon, comma and every line break (CR, LF, CRLF). */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * Removes CR, LF and the other control characters (except TAB) from a value that is not TEXT
 * (a URL, a recurrence line), so no value can end its line and start a property of its own.
 */
export function stripControls(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '');
}

const encoder = new TextEncoder();

/**
 * Folds one content line into lines of at most 75 octets: continuation lines start with a space
 * (which counts towards their 75). Splits only between code points, so a UTF-8 sequence (an emoji,
 * an umlaut) is never cut in two.
 */
export function foldLine(line: string): string {
  if (encoder.encode(line).length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  let limit = 75;
  for (const char of line) {
    const size = encoder.encode(char).length;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
      limit = 74; // the leading space of a continuation line takes one octet
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** One property: `NAME;PARAM=x:value`, value already escaped or formatted as its type needs. */
export interface IcsProperty {
  readonly name: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly value: string;
}

/** A property with a TEXT value, escaped. */
export function text(name: string, value: string): IcsProperty {
  return { name, value: escapeText(value) };
}

/** A whole content line kept as stored (a recurrence line such as `RRULE:FREQ=WEEKLY`). */
export interface IcsRawLine {
  readonly raw: string;
}

export interface IcsComponent {
  readonly name: string;
  readonly properties: readonly (IcsProperty | IcsRawLine)[];
  readonly components?: readonly IcsComponent[];
}

function propertyLine(property: IcsProperty | IcsRawLine): string {
  if ('raw' in property) return foldLine(stripControls(property.raw));
  const params = Object.entries(property.params ?? {})
    .map(([key, value]) => `;${key}=${stripControls(value).replace(/[";:,]/g, '')}`)
    .join('');
  return foldLine(`${property.name}${params}:${stripControls(property.value)}`);
}

function componentLines(component: IcsComponent): string[] {
  return [
    `BEGIN:${component.name}`,
    ...component.properties.map(propertyLine),
    ...(component.components ?? []).flatMap(componentLines),
    `END:${component.name}`,
  ];
}

/** The whole calendar object, CRLF after every line (the last one too). */
export function serializeIcs(calendar: IcsComponent): string {
  return componentLines(calendar).join('\r\n') + '\r\n';
}

/** `20240705T170242Z`: a DATE-TIME in UTC. */
export function utcDateTime(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}/, '')
    .replace(/[-:]/g, '');
}

/** `20240705`: the calendar date of an instant in an IANA time zone. */
export function zonedDate(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}${part('month')}${part('day')}`;
}
