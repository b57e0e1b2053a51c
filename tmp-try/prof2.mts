import { startSlapd } from '../tests/src/support/slapd.ts';
import { ucsConnector } from '../connectors/ucs/src/index.ts';
import { testContext } from '../connectors/sdk/src/testing/index.ts';
const base = 'dc=ucs,dc=test';
const s = await startSlapd({ bulkLdif: '/tmp/prof.ldif', sizeLimit: 1000 });
const ctx = testContext(ucsConnector.settings.parse({ url: s.url, startTls: false, bindDn: s.hubDn, bindPassword: s.hubPassword, baseDn: base, pageSize: 1000, partitions: 1 }));
for (let r = 0; r < 4; r++) {
  const t = performance.now(); let n = 0;
  for await (const b of ucsConnector.capabilities.users!.sync(ctx, { mode: 'full', cursor: null })) n += b.upserts.length;
  console.log('connector', n, Math.round(performance.now() - t));
}
await s.dispose();
