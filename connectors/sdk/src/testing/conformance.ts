import type { JsonValue, SyncMode } from '../connector.js';
import type { UserRecord } from '../records.js';
import type { ConformanceHarness, HarnessSettingsOptions, SeedUser } from './harness.js';
import { expectConnectorError, runSync, testContext, type RunOptions, type RunResult } from './run.js';

/**
 * The behaviour every directory connector shares, as plain async scenarios that throw on a
 * violation. `describeConformance` wraps them in vitest; the sdk's own test runs them against
 * deliberately broken connectors to prove each one can fail.
 */
export interface ConformanceScenario {
  readonly name: string;
  /** Skipped for connectors without incremental sync. */
  readonly needsIncremental?: boolean;
  run(harness: ConformanceHarness): Promise<void>;
}

export function seedUsers(count: number, prefix = 'conf'): SeedUser[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(3, '0');
    return {
      key: `${prefix}${n}`,
      email: `${prefix}${n}@example.org`,
      firstName: `First${n}`,
      lastName: `Last${n}`,
    };
  });
}

function fail(message: string): never {
  throw new Error(message);
}

async function sync(
  harness: ConformanceHarness,
  mode: SyncMode,
  cursor: JsonValue | null,
  settings: HarnessSettingsOptions | 'bad' = {},
  options: RunOptions = {},
): Promise<RunResult> {
  const users = harness.connector.capabilities.users ?? fail('the connector has no users capability');
  const value = settings === 'bad' ? harness.badCredentialsSettings() : harness.settings(settings);
  const parsed = harness.connector.settings.parse(value);
  const ctx = testContext(parsed);
  return runSync((request) => users.sync(ctx, request), mode, cursor, options);
}

function completed(result: RunResult, what: string): RunResult {
  if (result.error !== undefined) {
    const reason = result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    fail(`${what} failed: ${reason}`);
  }
  return result;
}

const byEmail = (users: readonly UserRecord[]): Map<string, UserRecord> =>
  new Map(users.map((u) => [u.email ?? `<none:${u.externalId}>`, u]));

function expectExactly(
  result: RunResult,
  expected: readonly SeedUser[],
  what: string,
): Map<string, UserRecord> {
  const seen = byEmail(result.users);
  const missing = expected.filter((u) => !seen.has(u.email)).map((u) => u.email);
  if (missing.length > 0) fail(`${what}: missing ${missing.join(', ')}`);
  const wanted = new Set(expected.map((u) => u.email));
  const extra = [...seen.keys()].filter((e) => !wanted.has(e));
  if (extra.length > 0) fail(`${what}: unexpected ${extra.join(', ')}`);
  return seen;
}

export const conformanceScenarios: readonly ConformanceScenario[] = [
  {
    name: 'a first full sync yields every user in scope once, with stable ids and normalized fields',
    async run(h) {
      const users = seedUsers(12);
      await h.seed(users);
      const result = completed(await sync(h, 'full', null, { batchSize: 5 }), 'full sync');
      const seen = expectExactly(result, users, 'full sync');
      if (result.users.length !== users.length)
        fail(`full sync yielded ${result.users.length} records for ${users.length} users`);
      if (result.batches.length < 2) fail('12 users with batch size 5 came in fewer than 2 batches');
      const first = seen.get(users[0]!.email)!;
      if (first.firstName !== users[0]!.firstName || first.lastName !== users[0]!.lastName) {
        fail(`names not carried: ${JSON.stringify(first)}`);
      }
      const again = completed(await sync(h, 'full', null), 'second full sync');
      const ids = new Map(result.users.map((u) => [u.email, u.externalId]));
      for (const u of again.users) {
        if (ids.get(u.email) !== u.externalId) fail(`externalId of ${u.email ?? ''} changed between runs`);
      }
    },
  },
  {
    name: 'an incremental sync from the last cursor yields the added and the modified users',
    needsIncremental: true,
    async run(h) {
      const users = seedUsers(6);
      await h.seed(users);
      const full = completed(await sync(h, 'full', null), 'full sync');
      await h.tick?.();
      const added: SeedUser = {
        key: 'confnew',
        email: 'confnew@example.org',
        firstName: 'New',
        lastName: 'Person',
      };
      await h.addUser(added);
      await h.modifyUser(users[2]!.key, { lastName: 'Renamed' });
      const inc = completed(await sync(h, 'incremental', full.lastCursor), 'incremental sync');
      const seen = byEmail(inc.users);
      if (!seen.has(added.email)) fail('incremental sync missed the added user');
      const modified = seen.get(users[2]!.email) ?? fail('incremental sync missed the modified user');
      if (modified.lastName !== 'Renamed') fail(`modified user has lastName ${String(modified.lastName)}`);
      const idOf = new Map(full.users.map((u) => [u.email, u.externalId]));
      if (modified.externalId !== idOf.get(users[2]!.email)) fail('modified user got a new externalId');
    },
  },
  {
    name: 'a user removed upstream is absent from the next completed full sync',
    async run(h) {
      const users = seedUsers(5);
      await h.seed(users);
      completed(await sync(h, 'full', null), 'full sync');
      await h.removeUser(users[1]!.key);
      const after = completed(await sync(h, 'full', null), 'full sync after removal');
      expectExactly(
        after,
        users.filter((_, i) => i !== 1),
        'full sync after removal',
      );
    },
  },
  {
    name: 'a user taken out of scope comes out of an incremental sync as a delete and is absent from a full sync',
    needsIncremental: true,
    async run(h) {
      const users = seedUsers(5);
      await h.seed(users);
      const full = completed(await sync(h, 'full', null), 'full sync');
      const id = full.users.find((u) => u.email === users[3]!.email)?.externalId ?? fail('user missing');
      await h.tick?.();
      await h.deactivateUser(users[3]!.key);
      const inc = completed(await sync(h, 'incremental', full.lastCursor), 'incremental sync');
      if (!inc.deletes.some((d) => d.type === 'user' && d.externalId === id))
        fail('no delete for the deactivated user');
      if (inc.users.some((u) => u.externalId === id)) fail('the deactivated user was also upserted');
      const again = completed(await sync(h, 'full', null), 'full sync after deactivation');
      expectExactly(
        again,
        users.filter((_, i) => i !== 3),
        'full sync after deactivation',
      );
    },
  },
  {
    name: 'a run resumed from the last applied cursor after a crash loses no user and repeats none of the applied batches',
    async run(h) {
      const users = seedUsers(23);
      await h.seed(users);
      const crashed = await sync(h, 'full', null, { batchSize: 4 }, { abandonAfter: 2 });
      if (crashed.error !== undefined)
        fail(
          `run failed before the crash: ${crashed.error instanceof Error ? crashed.error.message : 'unknown'}`,
        );
      if (!crashed.abandoned) fail('the run finished within 2 batches of 4; it should have had more');
      const applied = new Set(crashed.users.map((u) => u.email));
      const resumed = completed(await sync(h, 'full', crashed.lastCursor, { batchSize: 4 }), 'resumed run');
      const repeated = resumed.users.filter((u) => applied.has(u.email)).map((u) => u.email);
      if (repeated.length > 0) fail(`the resumed run repeated applied records: ${repeated.join(', ')}`);
      const all = new Set([...applied, ...resumed.users.map((u) => u.email)]);
      const lost = users.filter((u) => !all.has(u.email)).map((u) => u.email);
      if (lost.length > 0) fail(`lost after resume: ${lost.join(', ')}`);
    },
  },
  {
    name: 'an upstream failing mid-run makes the run throw a retryable error, never end early, and the retry resumes from the cursor',
    async run(h) {
      const users = seedUsers(23);
      await h.seed(users);
      let disrupted = false;
      const broken = await sync(
        h,
        'full',
        null,
        { batchSize: 4 },
        {
          afterBatch: async (index) => {
            if (index === 2) {
              disrupted = true;
              await h.disrupt();
            }
          },
        },
      );
      await h.restore();
      if (!disrupted) fail('the run finished within 2 batches of 4; it should have had more');
      // A run that "completes" after losing the upstream would make the hub deactivate the rest.
      expectConnectorError(broken.error, ['upstream_unavailable', 'rate_limited'], true);
      const applied = new Set(broken.users.map((u) => u.email));
      const resumed = completed(await sync(h, 'full', broken.lastCursor, { batchSize: 4 }), 'retried run');
      const all = new Set([...applied, ...resumed.users.map((u) => u.email)]);
      const lost = users.filter((u) => !all.has(u.email)).map((u) => u.email);
      if (lost.length > 0) fail(`lost after the retry: ${lost.join(', ')}`);
    },
  },
  {
    name: 'rejected credentials fail check and sync with auth_failed, not retryable, and yield nothing',
    async run(h) {
      await h.seed(seedUsers(3));
      const users = h.connector.capabilities.users ?? fail('no users capability');
      const ctx = testContext(h.connector.settings.parse(h.badCredentialsSettings()));
      let checkError: unknown = undefined;
      await users.check(ctx).catch((err: unknown) => (checkError = err));
      expectConnectorError(checkError, ['auth_failed'], false);
      const result = await sync(h, 'full', null, 'bad');
      expectConnectorError(result.error, ['auth_failed'], false);
      if (result.batches.length > 0) fail('a run with rejected credentials yielded batches');
    },
  },
  {
    name: 'an upstream that refuses service fails check and sync with a retryable rate_limited or upstream_unavailable',
    async run(h) {
      await h.seed(seedUsers(3));
      const users = h.connector.capabilities.users ?? fail('no users capability');
      await h.disrupt();
      try {
        let checkError: unknown = undefined;
        await users
          .check(testContext(h.connector.settings.parse(h.settings())))
          .catch((err: unknown) => (checkError = err));
        expectConnectorError(checkError, ['rate_limited', 'upstream_unavailable'], true);
        const result = await sync(h, 'full', null);
        expectConnectorError(result.error, ['rate_limited', 'upstream_unavailable'], true);
      } finally {
        await h.restore();
      }
      completed(await sync(h, 'full', null), 'full sync after the upstream came back');
    },
  },
];

/** Scenarios that apply to this connector (incremental ones only when it supports incremental). */
export function applicableScenarios(harness: ConformanceHarness): ConformanceScenario[] {
  const incremental = harness.connector.capabilities.users?.supportsIncremental === true;
  return conformanceScenarios.filter((s) => incremental || s.needsIncremental !== true);
}
