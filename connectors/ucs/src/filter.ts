/**
 * RFC 4515 string filters with every interpolated value escaped. Values reach our filters from
 * settings (the activation attribute's value), cursors stored in the hub's database, and
 * directory data (DNs of groups); none of them may change the filter's structure.
 */

/** Escapes `*`, `(`, `)`, `\`, NUL and every non-ASCII or control byte as `\hh` (RFC 4515 section 3). */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const special =
      byte === 0x2a || byte === 0x28 || byte === 0x29 || byte === 0x5c || byte < 0x20 || byte >= 0x7f;
    out += special ? `\\${byte.toString(16).padStart(2, '0')}` : String.fromCharCode(byte);
  }
  return out;
}

/** Tagged template: `filter\`(uid=${name})\`` escapes `name`. Literal parts are trusted code. */
export function filter(strings: TemplateStringsArray, ...values: readonly string[]): string {
  return strings.reduce(
    (out, part, i) => out + part + (i < values.length ? escapeFilterValue(values[i]!) : ''),
    '',
  );
}

/** Attribute descriptions cannot be escaped, only checked (RFC 4512 `descr`: a letter, then letters, digits, hyphens). */
export const attributeNamePattern = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

export function attributeName(name: string): string {
  if (!attributeNamePattern.test(name))
    throw new Error(`not an LDAP attribute name: ${JSON.stringify(name)}`);
  return name;
}
