import { fnvPair } from './fnv-pair.js';

const empty = -1;
const uuidText = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const hexDigits = '0123456789abcdef';

/**
 * The two FNV-1a hashes of the address, each finished with Murmur3's mixer (so the table's slot,
 * taken from the low bits of the first, depends on every character): together a 64-bit
 * fingerprint. Two addresses sharing one are about 3 in 100 million at a million addresses, and
 * cost only a directory look-up.
 */
function fingerprint(text: string): [number, number] {
  const [a, b] = fnvPair(text);
  return [mix(a), mix(b)];
}

/** The value of a lower-case hex digit's character code (checked by `uuidText` before). */
const nibble = (code: number): number => (code <= 57 ? code - 48 : code - 87);

/** Murmur3's 32-bit finalizer: every input bit moves about half of the output bits. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Which user a run saw first with each address, kept small enough for a million users: an
 * address is held as a 64-bit fingerprint beside its first owner's entryUUID (16 bytes), about 32
 * bytes per address in typed arrays outside the traced heap, where the address, id and DN
 * themselves took about 150 (decision 0028, "The address book holds fingerprints").
 *
 * So `candidate` may name the owner of another address with the same fingerprint: the caller
 * asks the directory whether that user holds the address (a real duplicate is rare, and worth
 * one look-up), and records the address with `add` if not. An address recorded while its
 * fingerprint was taken is kept exactly, as text, and answers before the fingerprint does.
 * A miss is always certain: every recorded address answers.
 */
export class AddressBook {
  /** Owner n's fingerprint is `#prints[2n]`, `#prints[2n + 1]`; its entryUUID `#ids[16n, 16n + 16)`. */
  #prints = new Uint32Array(2 * 1024);
  #ids = new Uint8Array(16 * 1024);
  #count = 0;
  /** Open addressing by the first half of the fingerprint: slot -> owner number or `empty`. */
  #slots = new Int32Array(2048).fill(empty);
  /** Addresses whose fingerprint an earlier address holds, with their own first owner. */
  #exact = new Map<string, string>();
  readonly #fingerprint: (text: string) => [number, number];

  /** `print` is for tests, which need fingerprints that collide. */
  constructor(print: (text: string) => [number, number] = fingerprint) {
    this.#fingerprint = print;
  }

  /**
   * The entryUUID recorded for `address`, or for another address with its fingerprint (which
   * the caller checks); undefined when the run has not seen the address.
   */
  candidate(address: string): string | undefined {
    const exact = this.#exact.get(address);
    if (exact !== undefined) return exact;
    const [a, b] = this.#fingerprint(address);
    const n = this.#find(a, b);
    return n === empty ? undefined : this.#id(n);
  }

  /**
   * Records `id` (an entryUUID, lower case) as the first owner of `address`, which the caller
   * found unowned: `candidate` gave nothing, or a user who does not hold the address (then `id`
   * replaces that user for this address).
   */
  add(address: string, id: string): void {
    if (!uuidText.test(id)) throw new Error(`address book: ${JSON.stringify(id)} is not an entryUUID`);
    const [a, b] = this.#fingerprint(address);
    if (this.#find(a, b) !== empty) {
      this.#exact.set(address, id);
      return;
    }
    if (2 * (this.#count + 1) > this.#slots.length) this.#grow();
    const n = this.#count++;
    this.#prints[2 * n] = a;
    this.#prints[2 * n + 1] = b;
    for (let byte = 0, at = 0; byte < 16; byte++, at += 2) {
      if (at === 8 || at === 13 || at === 18 || at === 23) at++; // the dashes
      this.#ids[16 * n + byte] = (nibble(id.charCodeAt(at)) << 4) | nibble(id.charCodeAt(at + 1));
    }
    this.#place(n);
  }

  #find(a: number, b: number): number {
    const mask = this.#slots.length - 1;
    for (let slot = a & mask; ; slot = (slot + 1) & mask) {
      const n = this.#slots[slot]!;
      if (n === empty) return empty;
      if (this.#prints[2 * n] === a && this.#prints[2 * n + 1] === b) return n;
    }
  }

  #place(n: number): void {
    const mask = this.#slots.length - 1;
    let slot = this.#prints[2 * n]! & mask;
    while (this.#slots[slot] !== empty) slot = (slot + 1) & mask;
    this.#slots[slot] = n;
  }

  /** Doubles the table (it holds at most half as many owners as it has slots) and the owners. */
  #grow(): void {
    const owners = this.#slots.length; // the new capacity: half of the doubled slots
    this.#slots = new Int32Array(2 * owners).fill(empty);
    const prints = new Uint32Array(2 * owners);
    prints.set(this.#prints);
    this.#prints = prints;
    const ids = new Uint8Array(16 * owners);
    ids.set(this.#ids);
    this.#ids = ids;
    for (let n = 0; n < this.#count; n++) this.#place(n);
  }

  #id(n: number): string {
    let text = '';
    for (let byte = 0; byte < 16; byte++) {
      if (byte === 4 || byte === 6 || byte === 8 || byte === 10) text += '-';
      const value = this.#ids[16 * n + byte]!;
      text += hexDigits[value >>> 4]! + hexDigits[value & 15]!;
    }
    return text;
  }
}
