import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

import { userLdif } from '../src/support/ucs-ldap/ucs-ldif.js';

/** Child process of the sync-ldap benchmark: writes N UCS-like users as LDIF for slapadd. */
async function writeLdif(file: string, base: string, count: number, stamp: string): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < count; i++) {
    const uid = `user${String(i).padStart(6, '0')}`;
    const entry = userLdif(base, {
      uid,
      mail: `${uid}@bench.test`,
      givenName: `Given${i}`,
      sn: `Family${i}`,
      displayName: `Given${i} Family${i}`,
      preferredLanguage: i % 2 === 0 ? 'de-DE' : 'en-US',
      telephoneNumber: `+49 30 ${String(i).padStart(7, '0')}`,
      activated: true,
    });
    // Timestamps in the past, as in a directory that was not just created, so an "unchanged"
    // incremental run really has nothing new to read.
    const ops = `entryUUID: ${randomUUID()}\ncreateTimestamp: ${stamp}\nmodifyTimestamp: ${stamp}\ncreatorsName: cn=admin,${base}\nmodifiersName: cn=admin,${base}`;
    if (!out.write(`${entry}\n${ops}\n\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const [file, base, count, stamp] = process.argv.slice(2);
if (file === undefined || base === undefined || count === undefined || stamp === undefined) {
  throw new Error('usage: sync-ldap-ldif.ts <file> <base> <count> <stamp>');
}
await writeLdif(file, base, Number(count), stamp);
