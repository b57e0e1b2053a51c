const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** PostgreSQL's type oid of `text`, the element type a binary `text[]` names. */
const TEXT_OID = 25;

/**
 * A `text[]` parameter whose items are UTF-8 bytes already: the rendered mails of a plan pass,
 * encoded once for the wire and recorded from the same bytes. node-postgres sends a Buffer
 * parameter in binary format, so `toPostgres` gives PostgreSQL's binary array layout (what
 * `array_recv` reads) and the items are copied into one block as they are; as a plain string
 * array, each 7 KiB message would be scanned twice for escapes, joined into an array literal and
 * encoded to UTF-8 again. PGlite's driver passes `toStrings()` instead (`pglite-driver.ts`).
 * PostgreSQL checks each item as text on receipt (valid UTF-8, no NUL), as it does for literals.
 */
export class Utf8TextArray {
  readonly items: readonly Buffer[];

  constructor(items: readonly Buffer[]) {
    this.items = items;
  }

  /** Called by node-postgres (`prepareValue`): the binary `text[]`, one dimension, no nulls. */
  toPostgres(): Buffer {
    const { items } = this;
    if (items.length === 0) return header(0);
    let size = 20;
    for (const item of items) size += 4 + item.length;
    const out = Buffer.allocUnsafe(size);
    header(1).copy(out, 0);
    out.writeInt32BE(items.length, 12);
    out.writeInt32BE(1, 16);
    let at = 20;
    for (const item of items) {
      out.writeInt32BE(item.length, at);
      item.copy(out, at + 4);
      at += 4 + item.length;
    }
    return out;
  }

  /** The items as strings (for PGlite); throws on an item that is not UTF-8, as PostgreSQL refuses it. */
  toStrings(): string[] {
    return this.items.map((item) => strictUtf8.decode(item));
  }
}

/** Dimensions, the has-null flag (0) and the element type; a one-dimensional array adds size and bound. */
function header(dimensions: 0 | 1): Buffer {
  const out = Buffer.alloc(dimensions === 0 ? 12 : 20);
  out.writeInt32BE(dimensions, 0);
  out.writeInt32BE(TEXT_OID, 8);
  return out;
}
