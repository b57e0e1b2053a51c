import { startSlapd } from '../tests/src/support/slapd.ts';
import { Client } from 'ldapts';
import { writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { userLdif } from '../tests/src/support/ucs-ldap/ucs-ldif.ts';
import { ucsConnector } from '../connectors/ucs/src/index.ts';
import { testContext } from '../connectors/sdk/src/testing/index.ts';
const N = 10000;
const base = 'dc=ucs,dc=test';
let l = '';
for (let i = 0; i < N; i++) l += userLdif(base, { uid: `u${i}`, mail: `u${i}@x.test`, givenName: 'G', sn: 'S' + i, activated: true }) + `\nentryUUID: ${randomUUID()}\n\n`;
writeFileSync('/tmp/prof.ldif', l);
const s = await startSlapd({ bulkLdif: '/tmp/prof.ldif', sizeLimit: 1000 });
const attrs = ['entryUUID','uid','mailPrimaryAddress','mail','givenName','sn','displayName','cn','preferredLanguage','telephoneNumber','modifyTimestamp','opentalkActivated'];
async function raw(filter: string, pageSize = 1000) {
  const c = new Client({ url: s.url });
  await c.bind(s.hubDn, s.hubPassword);
  const t = performance.now(); let n = 0;
  for await (const p of c.searchPaginated(base, { filter, attributes: attrs, paged: { pageSize } })) n += p.searchEntries.length;
  await c.unbind();
  return [n, Math.round(performance.now() - t)];
}
console.log('raw all', await raw('(&(univentionObjectType=users/user)(opentalkActivated=TRUE))'));
console.log('raw all', await raw('(&(univentionObjectType=users/user)(opentalkActivated=TRUE))'));
for (const ps of [100, 250, 500]) console.log('raw ps', ps, await raw('(&(univentionObjectType=users/user)(opentalkActivated=TRUE))', ps));
console.log('raw slice', await raw('(&(univentionObjectType=users/user)(opentalkActivated=TRUE)(entryUUID>=80000000-0000-0000-0000-000000000000)(!(entryUUID>=90000000-0000-0000-0000-000000000000)))'));
for (const partitions of [1, 16]) {
  const ctx = testContext(ucsConnector.settings.parse({ url: s.url, startTls: false, bindDn: s.hubDn, bindPassword: s.hubPassword, baseDn: base, pageSize: 1000, partitions }));
  const t = performance.now(); let n = 0;
  for await (const b of ucsConnector.capabilities.users!.sync(ctx, { mode: 'full', cursor: null })) n += b.upserts.length;
  console.log('connector', partitions, n, Math.round(performance.now() - t));
}
await s.dispose();
