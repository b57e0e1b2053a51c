import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { silentLogger } from '@vc/conference-core';

import { webClientRouter } from '../web-client/serve.js';
import { createApp } from './create-app.js';
import { createHttpMetrics } from './metrics.js';

let server: Server;
let url: string;
let dist: string;
const metrics = createHttpMetrics({
  routes: ['/v1/events', '/v1/events/{eventId}', '/v1/users/me'],
  staticPrefixes: ['/admin/'],
});

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'vc-metrics-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>admin</title>');
  writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1);');
  const api = Router();
  api.post('/v1/events', (_req, res) => void res.status(201).json({}));
  api.patch('/v1/events/:eventId', (_req, res) => void res.json({}));
  const app = createApp({
    logger: silentLogger,
    metrics,
    health: { checks: [], isDraining: () => false },
    api,
    webClient: webClientRouter(dist),
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dist, { recursive: true, force: true });
});

async function series(): Promise<string[]> {
  const text = await metrics.registry.metrics();
  return text.split('\n').filter((line) => line.startsWith('http_requests_total{'));
}

describe('HTTP metrics', () => {
  it('labels requests the body parser refuses (400, 413) with the route their path belongs to', async () => {
    const json = { 'content-type': 'application/json' };
    expect((await fetch(`${url}/v1/events`, { method: 'POST', headers: json, body: '{' })).status).toBe(400);
    const big = JSON.stringify({ title: 'x'.repeat(2 * 1024 * 1024) });
    const tooLarge = await fetch(`${url}/v1/events/4f0b`, { method: 'PATCH', headers: json, body: big });
    expect(tooLarge.status).toBe(413);
    expect(await series()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^http_requests_total\{method="POST",route="\/v1\/events",status="400"\} 1$/),
        expect.stringMatching(
          /^http_requests_total\{method="PATCH",route="\/v1\/events\/:eventId",status="413"\} 1$/,
        ),
      ]),
    );
  });

  it('labels the admin dashboard pages as one route and a path nobody serves as unmatched', async () => {
    const html = { headers: { accept: 'text/html' } };
    expect((await fetch(`${url}/admin/connectors/4f0b`, html)).status).toBe(200);
    expect((await fetch(`${url}/admin/`, html)).status).toBe(200);
    expect((await fetch(`${url}/nowhere`, { headers: { accept: 'application/json' } })).status).toBe(404);
    const lines = await series();
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^http_requests_total\{method="GET",route="\/admin\/\*",status="200"\} 2$/),
        expect.stringMatching(/^http_requests_total\{method="GET",route="unmatched",status="404"\} 1$/),
      ]),
    );
    expect(lines.join('\n')).not.toContain('/admin/admin');
  });
});
