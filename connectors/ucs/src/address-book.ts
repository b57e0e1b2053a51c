/** The first user a run saw with an address: a later one with the same address is skipped, naming this one. */
export interface AddressOwner {
  readonly id: string;
  readonly dn: string;
}

const chunkBytes = 1 << 20;
const empty = -1;

/** FNV-1a over UTF-16 code units: cheap, and a hit is always checked against the stored address. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Every address of a run with its first owner, exact, kept outside the JavaScript heap: a full
 * run of a million users would otherwise hold a million address, id and DN strings (about 225
 * bytes each), and V8 lets the heap grow to a multiple of what lives in it. Here an owner is
 * its UTF-8 text (address, id, DN) in 1 MiB chunks plus an open-addressing table of hashes,
 * about 150 bytes per address, none of it traced by the garbage collector. Texts are kept as
 * UTF-8, so they must be well-formed (LDAP values decoded from UTF-8 always are; a lone surrogate
 * would come back as U+FFFD).
 */
export class AddressBook {
  #chunks: Buffer[] = [];
  #used = chunkBytes; // forces a first chunk
  /**
   * Owner n's text (address, id and DN, one after the other) starts at chunk `#where[3n]`, byte
   * `#where[3n + 1]`, and is `#where[3n + 2]` bytes long; `#split[2n]` and `#split[2n + 1]` are
   * the lengths of its address and id in UTF-16 units. No separator: any of them may hold any text.
   */
  #where = new Int32Array(3 * 1024);
  #split = new Int32Array(2 * 1024);
  #count = 0;
  /** Slot -> owner number or `empty`; `#hashes` holds the owner's hash beside it. */
  #slots = new Int32Array(2048).fill(empty);
  #hashes = new Uint32Array(2048);

  get size(): number {
    return this.#count;
  }

  /** The owner of `address`, or undefined when the run has not seen it. */
  get(address: string): AddressOwner | undefined {
    const n = this.#find(address, hash(address));
    return n === empty ? undefined : this.#owner(n);
  }

  /** Records the first owner of `address`; an address already known keeps its owner. */
  add(address: string, owner: AddressOwner): void {
    const h = hash(address);
    if (this.#find(address, h) !== empty) return;
    if (2 * (this.#count + 1) > this.#slots.length) this.#grow();
    const n = this.#count++;
    this.#store(n, address + owner.id + owner.dn);
    this.#split[2 * n] = address.length;
    this.#split[2 * n + 1] = owner.id.length;
    this.#place(n, h);
  }

  #find(address: string, h: number): number {
    const mask = this.#slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const n = this.#slots[slot]!;
      if (n === empty) return empty;
      if (
        this.#hashes[slot] === h &&
        this.#split[2 * n] === address.length &&
        this.#text(n).startsWith(address)
      )
        return n;
    }
  }

  #place(n: number, h: number): void {
    const mask = this.#slots.length - 1;
    let slot = h & mask;
    while (this.#slots[slot] !== empty) slot = (slot + 1) & mask;
    this.#slots[slot] = n;
    this.#hashes[slot] = h;
  }

  #grow(): void {
    const slots = this.#slots;
    const hashes = this.#hashes;
    this.#slots = new Int32Array(slots.length * 2).fill(empty);
    this.#hashes = new Uint32Array(slots.length * 2);
    for (let slot = 0; slot < slots.length; slot++) {
      if (slots[slot] !== empty) this.#place(slots[slot]!, hashes[slot]!);
    }
    // The table holds at most half as many owners as it has slots.
    const owners = this.#slots.length / 2;
    if (this.#split.length < 2 * owners) {
      const where = new Int32Array(3 * owners);
      where.set(this.#where);
      this.#where = where;
      const split = new Int32Array(2 * owners);
      split.set(this.#split);
      this.#split = split;
    }
  }

  #store(n: number, text: string): void {
    const bytes = Buffer.byteLength(text);
    if (this.#used + bytes > chunkBytes) {
      // A text longer than a chunk (a DN of a megabyte) gets a chunk of its own.
      this.#chunks.push(Buffer.allocUnsafe(Math.max(chunkBytes, bytes)));
      this.#used = 0;
    }
    const chunk = this.#chunks.length - 1;
    this.#chunks[chunk]!.write(text, this.#used, 'utf8');
    this.#where[3 * n] = chunk;
    this.#where[3 * n + 1] = this.#used;
    this.#where[3 * n + 2] = bytes;
    this.#used += bytes;
  }

  #text(n: number): string {
    const start = this.#where[3 * n + 1]!;
    return this.#chunks[this.#where[3 * n]!]!.toString('utf8', start, start + this.#where[3 * n + 2]!);
  }

  #owner(n: number): AddressOwner {
    const text = this.#text(n);
    const idStart = this.#split[2 * n]!;
    const dnStart = idStart + this.#split[2 * n + 1]!;
    return { id: text.slice(idStart, dnStart), dn: text.slice(dnStart) };
  }
}
