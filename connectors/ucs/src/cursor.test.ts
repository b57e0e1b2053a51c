import { describe, expect, it } from 'vitest';

import { nextWatermark, parseCursor, toGeneralizedTime, wholeSeconds, type SyncCursor } from './cursor.js';

const cursor = (over: Partial<SyncCursor>): SyncCursor => ({
  v: 1,
  mode: 'incremental',
  phase: 'done',
  after: null,
  within: null,
  since: null,
  startedAt: '20261126120000Z',
  maxSeen: null,
  listenerAfter: null,
  ...over,
});

describe('UCS sync cursors', () => {
  it('formats and reads LDAP generalized time in whole seconds', () => {
    expect(toGeneralizedTime(new Date('2026-11-26T12:34:56.789Z'))).toBe('20261126123456Z');
    expect(wholeSeconds('20261126123456.123Z')).toBe('20261126123456Z');
    expect(wholeSeconds('garbage')).toBeNull();
  });

  it('starts the next run an overlap before this run began, whatever timestamps it saw', () => {
    expect(nextWatermark(cursor({ maxSeen: '20261126115000Z' }), 300)).toBe('20261126115500Z');
    expect(nextWatermark(cursor({ maxSeen: '20261126010000Z' }), 0)).toBe('20261126120000Z');
  });

  it('never moves the watermark backwards', () => {
    expect(nextWatermark(cursor({ since: '20261126115900Z', maxSeen: '20261126110000Z' }), 300)).toBe(
      '20261126115900Z',
    );
  });

  it('reads a cursor stored before slices streamed (no within) as one between slices', () => {
    const { within: _none, ...stored } = cursor({
      phase: 'users',
      after: '2600604a-8338-1041-9c73-d35caafae00f',
    });
    expect(parseCursor(stored)).toMatchObject({ phase: 'users', within: null });
  });

  it('rejects a cursor that is not ours, including one carrying filter syntax', () => {
    expect(() =>
      parseCursor({
        v: 1,
        mode: 'full',
        phase: 'users',
        after: '*)(uid=*',
        since: null,
        startedAt: '20261126120000Z',
        maxSeen: null,
      }),
    ).toThrow(/not a UCS connector cursor/);
    expect(() => parseCursor('abc')).toThrow();
    expect(parseCursor(null)).toBeNull();
  });
});

describe('entryUUID slices', () => {
  it('cut the UUID space into equal ascending slices', async () => {
    const { sliceBounds } = await import('./sync.js');
    expect(sliceBounds(1)).toEqual(['']);
    expect(sliceBounds(4)).toEqual(['0', '4', '8', 'c']);
    expect(sliceBounds(16)).toHaveLength(16);
    expect(sliceBounds(256).slice(0, 3)).toEqual(['00', '01', '02']);
    expect(sliceBounds(256).at(-1)).toBe('ff');
  });
});
