/**
 * Two 32-bit FNV-1a hashes of a string's UTF-16 code units in one pass (the standard prime and a
 * second odd multiplier), as unsigned integers. Cheap, not cryptographic: slice progress sums
 * them into its digest (which resumed cursors compare, so these values must never change), and
 * the address book mixes them into its fingerprints.
 */
export function fnvPair(text: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x050c5d1f);
  }
  return [a >>> 0, b >>> 0];
}
