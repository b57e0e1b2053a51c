/**
 * Cleaning of user text before ical-generator writes it. ical-generator escapes TEXT values
 * (backslash, `;`, `,`, line breaks) and folds lines, but passes other control characters through
 * and does not escape non-TEXT values (a URL, a recurrence line, a CN parameter).
 */

/**
 * Removes CR, LF and every other control character: for values that end up in a header or in a
 * non-TEXT iCalendar value, where a line break would start a field of its own.
 */
export function singleLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** Multi-line text with every line break as `\n` and other control characters (but TAB) removed. */
export function normalizedText(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}
