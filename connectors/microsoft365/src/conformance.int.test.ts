import { describeConformance, type ConformanceHarness, type SeedUser } from '@vc/connector-sdk/testing';

import { microsoft365Connector } from './microsoft365-connector.js';
import { FakeGraph } from './testing/index.js';

// The upstream is a FAKE Microsoft Graph built from the documented shapes (testing/fake-graph.ts).
let fake: FakeGraph;
const ids = new Map<string, string>();

const settings = (secret: string, batchSize?: number) => ({
  tenantId: fake.tenantId,
  clientId: fake.clientId,
  clientSecret: secret,
  meetingBaseUrl: 'https://meet.example.org',
  authorityHost: fake.url,
  graphUrl: fake.url,
  pageSize: batchSize ?? 100,
  // Conformance wants a refusing upstream to end the run at once, not to be waited out.
  maxRetryWaitMs: 0,
});

function add(user: SeedUser): void {
  const created = fake.store.addUser({
    mail: user.email,
    givenName: user.firstName,
    surname: user.lastName,
    upn: `${user.key}@contoso.onmicrosoft.com`,
  });
  ids.set(user.key, created.id);
}

const idOf = (key: string) => ids.get(key) ?? '';

describeConformance('microsoft365 users', {
  async setup(): Promise<ConformanceHarness> {
    fake = new FakeGraph();
    await fake.start();
    return {
      connector: microsoft365Connector,
      seed(users) {
        fake.store.clearUsers();
        ids.clear();
        users.forEach(add);
        return Promise.resolve();
      },
      addUser(user) {
        add(user);
        return Promise.resolve();
      },
      modifyUser(key, changes) {
        fake.store.changeUser(idOf(key), {
          ...(changes.firstName !== undefined && { givenName: changes.firstName }),
          ...(changes.lastName !== undefined && { surname: changes.lastName }),
          ...(changes.email !== undefined && { mail: changes.email }),
        });
        return Promise.resolve();
      },
      removeUser(key) {
        fake.store.deleteUser(idOf(key));
        return Promise.resolve();
      },
      deactivateUser(key) {
        fake.store.changeUser(idOf(key), { accountEnabled: false });
        return Promise.resolve();
      },
      settings: (options) => settings(fake.clientSecret, options?.batchSize),
      badCredentialsSettings: () => settings('not-the-secret'),
      disrupt() {
        fake.outage = { retryAfterSeconds: 120 };
        return Promise.resolve();
      },
      restore() {
        fake.outage = null;
        return Promise.resolve();
      },
    };
  },
  async teardown() {
    await fake.stop();
  },
});
