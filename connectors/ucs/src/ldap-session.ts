import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';

import { ConnectorError } from '@vc/connector-sdk';
import { Client, type Entry } from 'ldapts';

import { translateLdapError } from './ldap-errors.js';
import type { UcsSettings } from './settings.js';

/** One bound LDAP connection for one run or check; closed by the caller. */
export interface LdapSession {
  /**
   * Paged search (RFC 2696). Yields one array per page; throws (translated) on any failure,
   * including a connection that was silently re-established without our bind, so a failed read
   * can never look like a short directory.
   */
  pages(baseDn: string, filter: string, attributes: readonly string[]): AsyncGenerator<Entry[]>;
  /**
   * A search without paging, for a few entries (a look-up by entryUUID). It may run while a paged
   * search waits between pages: OpenLDAP keeps a connection's paging state for paged searches only.
   */
  search(baseDn: string, filter: string, attributes: readonly string[]): Promise<Entry[]>;
  /** Reads the base entry itself: the cheapest proof that bind and base DN are right. */
  readBase(baseDn: string): Promise<void>;
  /**
   * Whether the server's schema defines the attribute; `undefined` when the subschema cannot be
   * read. A filter on an undefined attribute matches nothing without an error, and a full run
   * that matches nothing would deactivate everyone.
   */
  schemaHasAttribute(name: string): Promise<boolean | undefined>;
  close(): Promise<void>;
}

/**
 * The most entries an LDAP page asks for, whatever `pageSize` (the batch size) says. ldapts hands
 * out a page only when all of it has arrived, so its parsed entries (an object per attribute, a
 * Buffer per value) live as long as a page takes to arrive; at 1,000 entries that outlasts V8's
 * young-generation collections, and each page's garbage was promoted to the old generation. At
 * 200 it mostly dies young: the read's heap peak fell by a third and its CPU time did not rise
 * (docs/decisions/0028, "Memory of the read"). The server does no more work for smaller pages.
 */
export const maxLdapPageSize = 200;

async function readSetting(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new ConnectorError('invalid_settings', `cannot read the ${what} file ${path} (${String(code)})`);
  }
}

async function bindPassword(settings: UcsSettings): Promise<string> {
  if (settings.bindPassword !== undefined) return settings.bindPassword;
  if (settings.bindPasswordFile !== undefined) {
    // /etc/machine.secret has no newline, but files written by hand usually do.
    const value = (await readSetting(settings.bindPasswordFile, 'bind password')).replace(/\r?\n$/, '');
    if (value === '')
      throw new ConnectorError(
        'invalid_settings',
        `the bind password file ${settings.bindPasswordFile} is empty`,
      );
    return value;
  }
  throw new ConnectorError('invalid_settings', 'set bindPassword or bindPasswordFile');
}

export async function openSession(settings: UcsSettings, signal: AbortSignal): Promise<LdapSession> {
  signal.throwIfAborted();
  const tlsOptions: ConnectionOptions = {};
  if (settings.caFile !== undefined) tlsOptions.ca = [await readSetting(settings.caFile, 'CA')];
  const password = await bindPassword(settings);
  const client = new Client({
    url: settings.url.replace(/\/$/, ''),
    timeout: settings.timeoutMs,
    connectTimeout: Math.min(settings.timeoutMs, 10_000),
    // ldapts speaks TLS from the first byte whenever tlsOptions are set, even for ldap://; so
    // they go to the client only for ldaps:// and to startTLS() otherwise.
    ...(settings.url.startsWith('ldaps://') ? { tlsOptions } : {}),
    strictDN: false,
  });
  const close = async (): Promise<void> => {
    await client.unbind().catch(() => undefined);
  };
  let step = 'connect';
  try {
    if (settings.url.startsWith('ldap://') && settings.startTls) {
      step = 'StartTLS';
      await client.startTLS(tlsOptions);
    }
    step = 'bind';
    await client.bind(settings.bindDn, password);
  } catch (err) {
    await close();
    throw translateLdapError(err, step);
  }

  const checkBound = (): void => {
    if (!client.isBound) {
      throw new ConnectorError(
        'upstream_unavailable',
        'LDAP search: the connection dropped and came back without our bind',
      );
    }
  };
  return {
    async *pages(baseDn, filter, attributes) {
      const iterator = client.searchPaginated(baseDn, {
        scope: 'sub',
        filter,
        attributes: [...attributes],
        paged: { pageSize: Math.min(settings.pageSize, maxLdapPageSize) },
      });
      for (;;) {
        signal.throwIfAborted();
        let next: IteratorResult<{ searchEntries: Entry[] }>;
        try {
          next = await iterator.next();
        } catch (err) {
          throw translateLdapError(err, 'search');
        }
        if (next.done === true) return;
        checkBound();
        yield next.value.searchEntries;
      }
    },
    async search(baseDn, filter, attributes) {
      signal.throwIfAborted();
      let entries: Entry[];
      try {
        ({ searchEntries: entries } = await client.search(baseDn, {
          scope: 'sub',
          filter,
          attributes: [...attributes],
        }));
      } catch (err) {
        throw translateLdapError(err, 'search');
      }
      checkBound();
      return entries;
    },
    async readBase(baseDn) {
      try {
        await client.search(baseDn, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] });
      } catch (err) {
        throw translateLdapError(err, 'search');
      }
      checkBound();
    },
    async schemaHasAttribute(name) {
      let entries: Entry[];
      try {
        ({ searchEntries: entries } = await client.search('cn=Subschema', {
          scope: 'base',
          filter: '(objectClass=subschema)',
          attributes: ['attributeTypes'],
        }));
      } catch {
        return undefined; // some servers hide the subschema; then the hub's deactivation guard is the net
      }
      const definitions = entries.flatMap((e) => {
        const raw = e['attributeTypes'];
        return (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
      });
      if (definitions.length === 0) return undefined;
      const wanted = name.toLowerCase();
      return definitions.some((d) => {
        const names = /NAME\s+(?:'([^']+)'|\(([^)]*)\))/i.exec(d);
        const list =
          names?.[1] !== undefined
            ? [names[1]]
            : (names?.[2]?.match(/'([^']+)'/g) ?? []).map((n) => n.slice(1, -1));
        return list.some((n) => n.toLowerCase() === wanted);
      });
    },
    close,
  };
}
