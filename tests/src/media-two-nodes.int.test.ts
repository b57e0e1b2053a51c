import { randomBytes } from 'node:crypto';

import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { testEnv } from '@vc/conference-core/testing';

import { freePort } from '../scripts/free-port.js';
import { launchTestChromium } from './support/chromium-args.js';
import { startApiHub, type ApiHub } from './support/api-hub.js';
import { startHubProcess, type HubProcess } from './support/hub-process.js';
import { startTestJanus, type TestJanus } from './support/janus.js';
import { mediaBrowserArgs, openMeetingPage, type MeetingPage } from './support/media-page.js';
import type { MeetingPageApi } from './support/meeting-page-api.js';
import { createTestNetns, type TestNetns } from './support/netns.js';
import { databaseUrl } from './support/postgres-admin.js';
import { createRoom, startRoom } from './support/signaling.js';

/**
 * Room affinity with media: two hub nodes in cluster mode (one PostgreSQL database, one Redis)
 * serving the API and signaling, both on one pool of two Janus servers. Janus and Chromium run in
 * the test's network namespace; the nodes listen on the host end of its veth pair. An in-process
 * API hub provides the schema and the development issuer both nodes trust.
 */
const prefix = `vc-media-nodes-${randomBytes(4).toString('hex')}`;

interface Node {
  readonly hub: HubProcess;
  /** The node's API on the veth address (HubProcess.url assumes 127.0.0.1). */
  readonly api: { call: ApiHub['call'] };
  readonly port: string;
}

describe('media with room affinity across two hub nodes', () => {
  let netns: TestNetns;
  const janus: TestJanus[] = [];
  let issuerHub: ApiHub;
  const nodes: Node[] = [];
  let browser: Browser;
  const pages: MeetingPage[] = [];

  async function startNode(): Promise<Node> {
    const issuer = issuerHub.hub.devIdpIssuer;
    const [first] = janus;
    if (issuer === undefined || issuerHub.database === undefined || first === undefined)
      throw new Error('the issuer hub or Janus is not set up');
    const port = String(await freePort());
    const hub = await startHubProcess({
      ROLES: 'api,signaling',
      HOST: netns.hostIp,
      PORT: port,
      DATABASE_URL: databaseUrl(issuerHub.database),
      REDIS_URL: testEnv.redisUrl,
      OIDC_ISSUER: issuer,
      DEV_IDP: 'off',
      SIGNALING_REDIS_PREFIX: prefix,
      SHUTDOWN_TIMEOUT_MS: '2000',
      MEDIA: 'auto',
      JANUS_URLS: janus.map((j) => j.url).join(','),
      JANUS_API_SECRET: first.apiSecret,
      JANUS_ADMIN_KEY: first.adminKey,
    });
    const base = `http://${netns.hostIp}:${port}`;
    const node: Node = {
      hub,
      port,
      api: {
        call: (path, init = {}) =>
          fetch(`${base}${path}`, {
            method: init.method ?? 'GET',
            headers: {
              ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
              ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
              ...init.headers,
            },
            ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
          }),
      },
    };
    nodes.push(node);
    // Registered in Redis, and both Janus servers of the pool connected.
    await Promise.all([
      hub.waitForOutput(/signaling node registered/, 60_000),
      hub.waitForOutput(/Janus connected[\s\S]*Janus connected/, 60_000),
    ]);
    return node;
  }

  beforeAll(async () => {
    netns = createTestNetns();
    const one = await startTestJanus({
      wrapper: netns.wrapper,
      bindIp: netns.innerIp,
      iceInterfaces: [netns.innerInterface],
    });
    janus.push(one);
    janus.push(
      await startTestJanus({
        wrapper: netns.wrapper,
        bindIp: netns.innerIp,
        iceInterfaces: [netns.innerInterface],
        apiSecret: one.apiSecret,
        adminKey: one.adminKey,
      }),
    );
    issuerHub = await startApiHub({
      backend: 'postgres',
      env: { REDIS_URL: testEnv.redisUrl, ROLES: 'api,worker', SIGNALING_REDIS_PREFIX: prefix },
    });
    [browser] = await Promise.all([
      launchTestChromium({ executablePath: netns.chromium, args: mediaBrowserArgs }),
      startNode(),
      startNode(),
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(nodes.map((n) => n.hub.stop('SIGKILL')));
    await issuerHub?.stop();
    await Promise.all(janus.map((j) => j.dispose()));
    netns?.remove();
  });

  type Stats = Awaited<ReturnType<MeetingPageApi['stats']>>;

  async function flowing(page: MeetingPage, ok: (s: Stats) => boolean, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    let last = await page.call('stats');
    while (!ok(last)) {
      if (Date.now() > deadline) throw new Error(`media did not flow: ${JSON.stringify(last)}`);
      await page.page.waitForTimeout(250);
      last = await page.call('stats');
    }
  }

  it('sends two participants who start on different nodes to the owner, where they see and hear each other', async () => {
    const [nodeA, nodeB] = nodes as [Node, Node];
    const [alice, bob] = await Promise.all([issuerHub.token('alice'), issuerHub.token('bob')]);
    const roomId = await createRoom(nodeA.api, alice);
    // Alice asks node A, Bob asks node B: both are sent to the room's one owner.
    const aliceStart = await startRoom(nodeA.api, roomId, { token: alice });
    const bobStart = await startRoom(nodeB.api, roomId, { token: bob });
    const owner = new URL(aliceStart.signaling_url).port;
    expect([nodeA.port, nodeB.port]).toContain(owner);
    expect(new URL(bobStart.signaling_url).port).toBe(owner);

    const [alicePage, bobPage] = await Promise.all([
      openMeetingPage(browser, aliceStart.signaling_url, 'alice'),
      openMeetingPage(browser, bobStart.signaling_url, 'bob'),
    ]);
    pages.push(alicePage, bobPage);
    await Promise.all([
      alicePage.call('subscribe', bobPage.id, 'camera'),
      bobPage.call('subscribe', alicePage.id, 'camera'),
    ]);
    const sees = (other: string) => (s: Stats) =>
      (s[`${other}:camera`]?.frames ?? 0) > 10 && (s['audio']?.audioBytes ?? 0) > 2000;
    await Promise.all([flowing(alicePage, sees(bobPage.id)), flowing(bobPage, sees(alicePage.id))]);
    expect(await alicePage.call('mixPeak', 1500)).toBeGreaterThan(0.005);

    // The owner placed the meeting on one Janus of the pool; the other node holds no media of it.
    const ownerNode = nodes.find((n) => n.port === owner);
    expect(ownerNode?.hub.output()).toMatch(/meeting media placed/);
    expect(nodes.find((n) => n.port !== owner)?.hub.output()).not.toMatch(/meeting media placed/);
  }, 90_000);
});
