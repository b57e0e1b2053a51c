import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The integration suites that may run two at a time: each uses its own database (or PGlite folder)
 * and Redis prefix, ephemeral loopback ports only, no network namespace, no browser, Janus, SIP
 * peer, slapd or private server, and little CPU of its own. Every other suite runs alone (the
 * default, so a new suite is safe until someone has checked it), because those fight for the two
 * cores or for fixed resources.
 */
export const pairSafeSuites: readonly string[] = [
  'conference-core/src/jobs/bullmq-job-queue.int.test.ts',
  'conference-core/src/outbox/outbox-dispatcher.int.test.ts',
  'conference-core/src/scheduling/event-service.int.test.ts',
  'conference-core/src/security/redis-attempt-limiter.int.test.ts',
  'conference-core/src/signaling/registry/redis-node-registry.int.test.ts',
  'conference-core/src/signaling/transport/signaling-server.int.test.ts',
  'conference-core/src/storage/postgres-database.int.test.ts',
  'conference-core/src/tickets/redis-ticket-store.int.test.ts',
  'connectors/a12/src/a12-connector.int.test.ts',
  'connectors/microsoft365/src/calendars.int.test.ts',
  'connectors/microsoft365/src/conformance.int.test.ts',
  'tests/src/a12-e2e.int.test.ts',
  'tests/src/api-calendar-feed.int.test.ts',
  'tests/src/api-events.int.test.ts',
  'tests/src/api-hostile-input.int.test.ts',
  'tests/src/api-mail.int.test.ts',
  'tests/src/api-postgres.int.test.ts',
  'tests/src/api-tenant-isolation.int.test.ts',
  'tests/src/api-users.int.test.ts',
  'tests/src/auth-hub.int.test.ts',
  'tests/src/hub-cluster.int.test.ts',
  'tests/src/hub-embedded.int.test.ts',
  'tests/src/m365-calendar-e2e.int.test.ts',
  'tests/src/mail-batch.int.test.ts',
  'tests/src/mail-smtp.int.test.ts',
  'tests/src/migrate-cli.int.test.ts',
  'tests/src/outlook-addin-meeting.int.test.ts',
  'tests/src/production-build.int.test.ts',
  'tests/src/signaling-abuse.int.test.ts',
  'tests/src/signaling-modules.int.test.ts',
  'tests/src/signaling-moderation.int.test.ts',
  'tests/src/signaling-two-nodes.int.test.ts',
  'tests/src/smtp-pool.int.test.ts',
  'tests/src/sync-admin-api.int.test.ts',
];

const workspaces = ['conference-core', 'hub', 'connectors', 'tests', 'web', 'outlook-addin'];

function intSuitesBelow(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === '.tsbuild' || entry.name === 'dist') return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return intSuitesBelow(root, path);
    return entry.name.endsWith('.int.test.ts') ? [path] : [];
  });
}

/** Every int suite of the repository, split into the two groups. */
export function intSuiteGroups(root: string): { alone: string[]; inPairs: string[] } {
  const all = workspaces.flatMap((dir) => intSuitesBelow(root, dir)).sort();
  return {
    alone: all.filter((file) => !pairSafeSuites.includes(file)),
    inPairs: all.filter((file) => pairSafeSuites.includes(file)),
  };
}
