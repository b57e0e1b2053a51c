import type { SeedUser } from '@vc/connector-sdk/testing';
import { describeConformance, expectConnectorError, runSync, testContext } from '@vc/connector-sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { innovaphoneConnector } from './innovaphone-connector.js';
import { newGuid, startFakePbx, type FakePbx, type FakePbxUser } from './testing/fake-pbx.js';

// The PBX is a FAKE (./testing/fake-pbx.ts) built from the SDK's message definitions: AppLogin with
// the App object password, PbxTableUsers replication row by row, outages as dropped sockets and 503.

const appObject = 'vc';
const usersCapability = innovaphoneConnector.capabilities.users;
if (usersCapability === undefined) throw new Error('the connector has no users capability');
const password = 'app-object-password';

function pbxUser(seed: SeedUser, guid = newGuid()): FakePbxUser {
  return {
    guid,
    h323: seed.key,
    cn: seed.key,
    dn: `${seed.firstName} ${seed.lastName}`,
    e164: '201',
    emails: [seed.email],
    grps: ['staff'],
    apps: [appObject, 'phone'],
  };
}

let fake: FakePbx;
const keys = new Map<string, string>(); // seed key -> guid
const settings = (batchSize = 100, secret = password) => ({
  pbxUrl: fake.url,
  appObject,
  appPassword: secret,
  batchSize,
  timeoutMs: 2000,
});

describeConformance('innovaphone PbxTableUsers', {
  async setup() {
    fake = await startFakePbx({ [appObject]: { password, apis: ['TableUsers', 'RCC'] } });
    const put = (seed: SeedUser) => {
      const user = pbxUser(seed);
      keys.set(seed.key, user.guid);
      fake.addUser(user);
    };
    const guidOf = (key: string) => keys.get(key) ?? '';
    return {
      connector: innovaphoneConnector,
      seed(users) {
        for (const guid of [...fake.users.keys()]) fake.removeUser(guid);
        users.forEach(put);
        return Promise.resolve();
      },
      addUser: (user) => Promise.resolve(put(user)),
      modifyUser(key, changes) {
        const current = fake.users.get(guidOf(key))!;
        const [first, ...rest] = current.dn.split(' ');
        fake.updateUser(guidOf(key), {
          dn: `${changes.firstName ?? first} ${changes.lastName ?? rest.join(' ')}`,
          ...(changes.email !== undefined && { emails: [changes.email] }),
        });
        return Promise.resolve();
      },
      removeUser: (key) => Promise.resolve(fake.removeUser(guidOf(key))),
      deactivateUser: (key) => Promise.resolve(fake.updateUser(guidOf(key), { apps: ['phone'] })),
      settings: (options = {}) => settings(options.batchSize),
      badCredentialsSettings: () => settings(100, 'wrong-password'),
      disrupt: () => Promise.resolve(fake.disrupt('down')),
      restore: () => Promise.resolve(fake.restore()),
    };
  },
  teardown: () => fake.close(),
});

describe('innovaphone user replication', () => {
  let pbx: FakePbx;
  const run = (over: Record<string, unknown> = {}) =>
    runSync(
      (request) =>
        usersCapability.sync(
          testContext(innovaphoneConnector.settings.parse({ ...settings(3), pbxUrl: pbx.url, ...over })),
          request,
        ),
      'full',
      null,
    );
  beforeAll(async () => {
    pbx = await startFakePbx({
      [appObject]: { password, apis: ['TableUsers'] },
      norights: { password, apis: ['RCC'] },
    });
  });
  afterAll(() => pbx.close());

  it('maps GUID, SIP name, display name, number and email, and builds groups after the users', async () => {
    const ada = {
      ...pbxUser({ key: 'ada', email: 'Ada@Example.org', firstName: 'Ada', lastName: 'Lovelace' }),
    };
    pbx.addUser({ ...ada, grps: ['staff', 'research'] });
    pbx.addUser(pbxUser({ key: 'bob', email: 'bob@example.org', firstName: 'Bob', lastName: 'Baker' }));
    pbx.addUser({
      ...pbxUser({ key: 'eve', email: 'eve@example.org', firstName: 'Eve', lastName: 'X' }),
      apps: ['phone'],
    });
    pbx.addUser({
      ...pbxUser({ key: 'nomail', email: 'x@example.org', firstName: 'No', lastName: 'Mail' }),
      emails: [],
    });
    const result = await run();
    expect(result.error).toBeUndefined();
    const user = result.users.find((u) => u.username === 'ada');
    expect(user).toMatchObject({
      externalId: ada.guid,
      email: 'ada@example.org',
      emailVerified: true,
      displayName: 'Ada Lovelace',
      firstName: 'Ada',
      lastName: 'Lovelace',
      phone: '201',
      label: 'ada',
    });
    // eve is not granted the App object: out of scope. nomail is reported, not applied.
    expect(result.users.map((u) => u.username).sort()).toEqual(['ada', 'bob']);
    expect(result.batches.flatMap((b) => b.skipped)).toEqual([
      expect.objectContaining({ reason: 'no email address on the PBX user object', label: 'nomail' }),
    ]);
    const last = result.batches.at(-1)!;
    expect(
      last.upserts.map((g) => (g.type === 'group' ? [g.name, g.memberExternalIds.length] : g.type)),
    ).toEqual([
      ['research', 1],
      ['staff', 2],
    ]);
    expect(result.batches.slice(0, -1).every((b) => b.upserts.every((u) => u.type === 'user'))).toBe(true);
    const all = await run({ onlyUsersWithApp: false });
    expect(all.users.map((u) => u.username).sort()).toEqual(['ada', 'bob', 'eve']);
  });

  it('starts over when the PBX hands rows out in another order than the resumed cursor expects', async () => {
    const first = await run();
    const cursor = first.batches[0]!.cursor as { skip: number; lastGuid: string; groups: boolean };
    const resumed = await runSync(
      (request) =>
        usersCapability.sync(
          testContext(innovaphoneConnector.settings.parse({ ...settings(3), pbxUrl: pbx.url })),
          request,
        ),
      'full',
      { ...cursor, lastGuid: '0'.repeat(32) },
    );
    expect(resumed.error).toBeUndefined();
    expect(resumed.users.length).toBe(first.users.length);
  });

  it('says forbidden when the App object lacks the TableUsers checkmark', async () => {
    const check = usersCapability.check(
      testContext(
        innovaphoneConnector.settings.parse({ ...settings(), pbxUrl: pbx.url, appObject: 'norights' }),
      ),
    );
    await check.then(
      () => expect.unreachable('check passed'),
      (err: unknown) => expectConnectorError(err, ['forbidden'], false),
    );
  });

  it('says rate_limited with the Retry-After when the PBX throttles connections', async () => {
    pbx.disrupt('throttle');
    try {
      const result = await run();
      expectConnectorError(result.error, ['rate_limited'], true);
      expect((result.error as { retryAfterMs?: number }).retryAfterMs).toBe(1000);
    } finally {
      pbx.restore();
    }
  });

  it('says invalid_settings for a URL without an AppWebsocket', async () => {
    const result = await run({ pbxUrl: pbx.url.replace('/PBX0/APPS/websocket', '/elsewhere') });
    expectConnectorError(result.error, ['invalid_settings'], false);
  });
});
