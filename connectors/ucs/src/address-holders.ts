import { filter } from './filter.js';
import type { LdapSession } from './ldap-session.js';
import { entryUuid, mailAddress } from './map-entry.js';

/** A user as the directory has it now: its DN and address (as the hub gets it). */
export interface AddressHolder {
  readonly dn: string;
  readonly email: string | null;
}

/** Look-ups kept before the cache starts over: enough for any address many users share. */
const cacheLimit = 10_000;

/**
 * Asks the directory who a run's address-book candidate is (by entryUUID), so a second user
 * with an address is skipped only if the first one really holds it, and the skip names the
 * first one's DN. Answers are cached for the run: a thousand users sharing one address cost one
 * look-up. What the directory says now wins over what the run read earlier: if the first user
 * changed its address or left meanwhile, the second one keeps it.
 */
export class AddressHolders {
  readonly #session: LdapSession;
  readonly #baseDn: string;
  readonly #known = new Map<string, AddressHolder | null>();

  constructor(session: LdapSession, baseDn: string) {
    this.#session = session;
    this.#baseDn = baseDn;
  }

  /** The user with entryUUID `id`, or null when the directory has none. */
  async of(id: string): Promise<AddressHolder | null> {
    const known = this.#known.get(id);
    if (known !== undefined) return known;
    const entries = await this.#session.search(this.#baseDn, filter`(entryUUID=${id})`, [
      'entryUUID',
      'mailPrimaryAddress',
      'mail',
    ]);
    const entry = entries.find((e) => entryUuid(e) === id);
    const holder = entry === undefined ? null : { dn: entry.dn, email: mailAddress(entry) };
    if (this.#known.size >= cacheLimit) this.#known.clear();
    this.#known.set(id, holder);
    return holder;
  }
}
