import { describe, expect, it } from 'vitest';

import { silentLogger } from '../logging/logger.js';
import { DatabaseUnavailableError } from '../storage/errors.js';
import { createOutageLog } from './outages.js';
import { viaRedis } from './redis-errors.js';
import { DependencyUnavailableError, unavailableDependency } from './unavailable.js';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('which dependency an error says is away', () => {
  it('names the database for refused or reset connections, PostgreSQL shutting down or starting', () => {
    expect(unavailableDependency(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(
      'database',
    );
    expect(unavailableDependency(withCode('read ECONNRESET', 'ECONNRESET'))).toBe('database');
    expect(
      unavailableDependency(withCode('terminating connection due to administrator command', '57P01')),
    ).toBe('database');
    expect(unavailableDependency(withCode('the database system is starting up', '57P03'))).toBe('database');
    expect(unavailableDependency(new Error('Connection terminated unexpectedly'))).toBe('database');
    expect(unavailableDependency(new DatabaseUnavailableError('down'))).toBe('database');
    expect(unavailableDependency(new Error('wrapped', { cause: withCode('x', '08006') }))).toBe('database');
  });

  it('names Redis only for what the Redis stores wrapped, and nothing for bugs and bad data', async () => {
    await expect(viaRedis(() => Promise.reject(new Error('Connection is closed.')))).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
    const bug = new Error('ownership kept changing');
    await expect(viaRedis(() => Promise.reject(bug))).rejects.toBe(bug);
    expect(unavailableDependency(new DependencyUnavailableError('redis', 'away'))).toBe('redis');
    expect(unavailableDependency(withCode('duplicate key value violates unique constraint', '23505'))).toBe(
      undefined,
    );
    expect(unavailableDependency(new TypeError('cannot read properties of undefined'))).toBe(undefined);
  });
});

describe('the outage log', () => {
  it('logs an outage once however many requests meet it, and its end once a probe answers', async () => {
    const lines: string[] = [];
    const log = (message: string) => lines.push(message);
    let up = false;
    const outages = createOutageLog({
      logger: {
        debug: () => undefined,
        info: (_f, m) => log(m),
        warn: (_f, m) => log(m),
        error: () => undefined,
        child: () => silentLogger,
      },
      probes: { database: () => (up ? Promise.resolve() : Promise.reject(new Error('down'))) },
      probeIntervalMs: 10,
    });
    for (let i = 0; i < 100; i++) outages.report('database', new Error('connect ECONNREFUSED'));
    expect(lines).toEqual(['dependency unavailable']);
    await new Promise((r) => setTimeout(r, 50));
    expect(outages.isDown('database')).toBe(true);
    up = true;
    while (outages.isDown('database')) await new Promise((r) => setTimeout(r, 5));
    expect(lines).toEqual(['dependency unavailable', 'dependency available again']);
    outages.report('database', new Error('again'));
    expect(lines).toHaveLength(3);
    outages.close();
  });
});
