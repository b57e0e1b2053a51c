import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { closeHttpServer } from './close-http-server.js';

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

/** A server whose `/slow?ms=N` answers after N ms and `/` at once. */
async function startServer(): Promise<number> {
  server = createServer((req, res) => {
    const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 0);
    setTimeout(() => res.end('done'), ms);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function get(port: number, path: string, agent: Agent | false = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ port, path, host: '127.0.0.1', agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('closeHttpServer', () => {
  it('lets a request in flight finish, then refuses new connections', async () => {
    const port = await startServer();
    const inFlight = get(port, '/slow?ms=300', new Agent({ keepAlive: true }));
    await new Promise((r) => setTimeout(r, 50));
    const closing = closeHttpServer(server as Server, 5_000);
    await expect(inFlight).resolves.toBe('done');
    const finished = Date.now();
    await closing;
    // The client's keep-alive connection must not hold the shutdown for its idle timeout.
    expect(Date.now() - finished).toBeLessThan(1_000);
    await expect(get(port, '/')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('cuts a request that outlives the bound', async () => {
    const port = await startServer();
    const stuck = get(port, '/slow?ms=60000');
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await closeHttpServer(server as Server, 200);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(stuck).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('does not wait for idle keep-alive connections', async () => {
    const port = await startServer();
    const agentRequest = new Promise<void>((resolve, reject) => {
      const req = request(
        { port, host: '127.0.0.1', path: '/', headers: { connection: 'keep-alive' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end();
    });
    await agentRequest;
    const started = Date.now();
    await closeHttpServer(server as Server, 10_000);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
