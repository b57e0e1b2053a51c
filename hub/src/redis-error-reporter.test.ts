import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';

import type { LogFields, Logger } from '@vc/conference-core';

import { createRedisErrorReporter } from './redis-error-reporter.js';

function recordingLogger(lines: { fields: LogFields; message: string }[]): Logger {
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (fields, message) => lines.push({ fields, message }),
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}

describe('the Redis error reporter', () => {
  it('counts every error but logs one line per component and period, with how many it left out', async () => {
    const lines: { fields: LogFields; message: string }[] = [];
    const registry = new Registry();
    let now = 0;
    const report = createRedisErrorReporter({
      logger: recordingLogger(lines),
      registry,
      logEveryMs: 1000,
      now: () => now,
    });
    for (let i = 0; i < 5; i++) report('ticket-store', new Error('connect ECONNREFUSED'));
    report('node-registry', new Error('Connection is closed.'));
    now = 1500;
    report('ticket-store', new Error('connect ECONNREFUSED'));

    expect(lines.map((l) => [l.fields['component'], l.fields['suppressedSinceLastLine']])).toEqual([
      ['ticket-store', undefined],
      ['node-registry', undefined],
      ['ticket-store', 4],
    ]);
    const metrics = await registry.metrics();
    expect(metrics).toContain('redis_errors_total{component="ticket-store"} 6');
    expect(metrics).toContain('redis_errors_total{component="node-registry"} 1');
  });
});
