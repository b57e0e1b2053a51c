import { describe, expect, it } from 'vitest';
import { expandWithExceptions } from './exceptions.js';
import { isOccurrence } from './expand.js';
import { meeting, window } from './test-support.js';
import type { Instance, InstanceException } from './types.js';

// Weekly on Mondays at 09:00 Berlin: 16 and 23 March at 08:00 UTC, from 30 March at 07:00 UTC.
const weekly = meeting('2026-03-16T08:00:00Z', '2026-03-16T09:00:00Z', ['RRULE:FREQ=WEEKLY']);
const march = window('2026-03-16T00:00:00Z', '2026-04-01T00:00:00Z');

function summary(instances: readonly Instance[]): string[] {
  return instances.map(
    (i) => `${i.instanceId} ${i.startsAt.toISOString()} ${i.status}${i.isException ? ' exception' : ''}`,
  );
}

describe('expandWithExceptions', () => {
  it('returns plain occurrences when there are no exceptions', () => {
    const result = expandWithExceptions(weekly, [], march);
    expect(summary(result.instances)).toEqual([
      '20260316T080000Z 2026-03-16T08:00:00.000Z scheduled',
      '20260323T080000Z 2026-03-23T08:00:00.000Z scheduled',
      '20260330T070000Z 2026-03-30T07:00:00.000Z scheduled',
    ]);
    expect(result.instances[0]?.overrides).toEqual({});
  });

  it('marks a cancelled occurrence, or drops it with includeCancelled: false', () => {
    const cancel: InstanceException = { instanceStart: new Date('2026-03-23T08:00:00Z'), kind: 'cancelled' };
    expect(summary(expandWithExceptions(weekly, [cancel], march).instances)[1]).toBe(
      '20260323T080000Z 2026-03-23T08:00:00.000Z cancelled exception',
    );
    expect(
      summary(expandWithExceptions(weekly, [cancel], march, { includeCancelled: false }).instances),
    ).toEqual([
      '20260316T080000Z 2026-03-16T08:00:00.000Z scheduled',
      '20260330T070000Z 2026-03-30T07:00:00.000Z scheduled',
    ]);
  });

  it('carries the overrides of a modified occurrence and keeps its time when none is given', () => {
    const retitle: InstanceException = {
      instanceStart: new Date('2026-03-23T08:00:00Z'),
      kind: 'modified',
      title: 'Planning, with guests',
      description: 'Room 2',
    };
    const changed = expandWithExceptions(weekly, [retitle], march).instances[1];
    expect(changed).toMatchObject({
      instanceId: '20260323T080000Z',
      startsAt: new Date('2026-03-23T08:00:00Z'),
      endsAt: new Date('2026-03-23T09:00:00Z'),
      status: 'scheduled',
      isException: true,
      overrides: { title: 'Planning, with guests', description: 'Room 2' },
    });
  });

  it('moves an occurrence inside the window, keeps its length and its original id, and re-sorts', () => {
    const move: InstanceException = {
      instanceStart: new Date('2026-03-16T08:00:00Z'),
      kind: 'modified',
      startsAt: new Date('2026-03-25T12:00:00Z'),
    };
    const result = expandWithExceptions(weekly, [move], march);
    expect(summary(result.instances)).toEqual([
      '20260323T080000Z 2026-03-23T08:00:00.000Z scheduled',
      '20260316T080000Z 2026-03-25T12:00:00.000Z scheduled exception',
      '20260330T070000Z 2026-03-30T07:00:00.000Z scheduled',
    ]);
    expect(result.instances[1]?.originalStart).toEqual(new Date('2026-03-16T08:00:00Z'));
    expect(result.instances[1]?.endsAt).toEqual(new Date('2026-03-25T13:00:00Z'));
  });

  it('shows an occurrence moved into the window from outside it', () => {
    const pulledIn: InstanceException = {
      instanceStart: new Date('2026-04-13T07:00:00Z'),
      kind: 'modified',
      startsAt: new Date('2026-03-26T07:00:00Z'),
      endsAt: new Date('2026-03-26T10:00:00Z'),
    };
    const result = expandWithExceptions(weekly, [pulledIn], march);
    expect(summary(result.instances)).toContain(
      '20260413T070000Z 2026-03-26T07:00:00.000Z scheduled exception',
    );
    expect(result.instances).toHaveLength(4);
  });

  it('hides an occurrence moved out of the window, and shows it in the window it moved to', () => {
    const pushedOut: InstanceException = {
      instanceStart: new Date('2026-03-23T08:00:00Z'),
      kind: 'modified',
      startsAt: new Date('2026-04-20T07:00:00Z'),
    };
    expect(summary(expandWithExceptions(weekly, [pushedOut], march).instances)).toEqual([
      '20260316T080000Z 2026-03-16T08:00:00.000Z scheduled',
      '20260330T070000Z 2026-03-30T07:00:00.000Z scheduled',
    ]);
    const april = expandWithExceptions(
      weekly,
      [pushedOut],
      window('2026-04-20T00:00:00Z', '2026-04-21T00:00:00Z'),
    );
    expect(summary(april.instances)).toEqual([
      '20260323T080000Z 2026-04-20T07:00:00.000Z scheduled exception',
      '20260420T070000Z 2026-04-20T07:00:00.000Z scheduled',
    ]);
  });

  it('ignores an exception whose start is not an occurrence of the series', () => {
    const bogus: InstanceException[] = [
      {
        instanceStart: new Date('2026-03-24T08:00:00Z'),
        kind: 'modified',
        startsAt: new Date('2026-03-25T08:00:00Z'),
      },
      { instanceStart: new Date('2026-03-30T08:00:00Z'), kind: 'cancelled' }, // 09:00 is 07:00 UTC after the switch
    ];
    expect(isOccurrence(weekly, new Date('2026-03-24T08:00:00Z'))).toBe(false);
    expect(summary(expandWithExceptions(weekly, bogus, march).instances)).toEqual([
      '20260316T080000Z 2026-03-16T08:00:00.000Z scheduled',
      '20260323T080000Z 2026-03-23T08:00:00.000Z scheduled',
      '20260330T070000Z 2026-03-30T07:00:00.000Z scheduled',
    ]);
  });

  it('ignores an exception for an occurrence that EXDATE removed', () => {
    const withExdate = meeting('2026-03-16T08:00:00Z', '2026-03-16T09:00:00Z', [
      'RRULE:FREQ=WEEKLY',
      'EXDATE:20260323T080000Z',
    ]);
    const revive: InstanceException = {
      instanceStart: new Date('2026-03-23T08:00:00Z'),
      kind: 'modified',
      title: 'Back',
    };
    expect(expandWithExceptions(withExdate, [revive], march).instances.map((i) => i.instanceId)).toEqual([
      '20260316T080000Z',
      '20260330T070000Z',
    ]);
  });

  it('fills the page after cancellations and keeps the limit', () => {
    const cancelFirst: InstanceException = {
      instanceStart: new Date('2026-03-16T08:00:00Z'),
      kind: 'cancelled',
    };
    const result = expandWithExceptions(weekly, [cancelFirst], march, { limit: 2, includeCancelled: false });
    expect(result.instances.map((i) => i.instanceId)).toEqual(['20260323T080000Z', '20260330T070000Z']);
    expect(result.truncated).toBe(false);
    expect(expandWithExceptions(weekly, [], march, { limit: 2 }).truncated).toBe(true);
  });
});
