import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { iceServersFor, turnCredentials } from './turn-credentials.js';

describe('TURN REST credentials', () => {
  it('name the expiry and the participant and sign them with the shared secret', () => {
    const now = new Date('2026-12-02T10:00:00Z');
    const { username, credential } = turnCredentials('s3cret', 'p1', 600, now);
    expect(username).toBe(`${now.getTime() / 1000 + 600}:p1`);
    expect(credential).toBe(createHmac('sha1', 's3cret').update(username).digest('base64'));
  });

  it('are only offered when TURN URLs and a secret are configured', () => {
    const base = {
      stunUrls: ['stun:stun.example.org'],
      turnUrls: ['turn:turn.example.org'],
      turnTtlSeconds: 60,
    };
    expect(iceServersFor(base, 'p1')).toEqual([{ urls: ['stun:stun.example.org'] }]);
    const withTurn = iceServersFor({ ...base, turnSecret: 'x' }, 'p1');
    expect(withTurn[1]?.urls).toEqual(['turn:turn.example.org']);
    expect(withTurn[1]?.username).toMatch(/:p1$/);
  });
});
