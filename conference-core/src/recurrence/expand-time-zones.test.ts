import { describe, expect, it } from 'vitest';
import { expandInstances } from './expand.js';
import { meeting, starts, window } from './test-support.js';

// Every expected instant below is computed by hand from the zone rules: Berlin is UTC+1 in winter
// and UTC+2 from the last Sunday of March to the last Sunday of October (2026: 29 March, 25
// October); New York is UTC-5, and UTC-4 from 8 March to 1 November 2026.

describe('expandInstances across daylight saving time', () => {
  it('keeps a weekly 09:00 Berlin meeting at 09:00 local when the clocks go forward', () => {
    const weekly = meeting('2026-03-16T08:00:00Z', '2026-03-16T09:00:00Z', ['RRULE:FREQ=WEEKLY']);
    expect(starts(expandInstances(weekly, window('2026-03-16T00:00:00Z', '2026-04-07T00:00:00Z')))).toEqual([
      '2026-03-16T08:00:00.000Z',
      '2026-03-23T08:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-04-06T07:00:00.000Z',
    ]);
  });

  it('keeps it at 09:00 local when the clocks go back in October', () => {
    const weekly = meeting('2026-03-16T08:00:00Z', '2026-03-16T09:00:00Z', ['RRULE:FREQ=WEEKLY']);
    expect(starts(expandInstances(weekly, window('2026-10-12T00:00:00Z', '2026-11-03T00:00:00Z')))).toEqual([
      '2026-10-12T07:00:00.000Z',
      '2026-10-19T07:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
      '2026-11-02T08:00:00.000Z',
    ]);
  });

  it('moves a 02:30 meeting on the spring-forward day forward by the gap, to 03:30 CEST (RFC 5545 3.3.5)', () => {
    const daily = meeting('2026-03-27T01:30:00Z', '2026-03-27T02:00:00Z', ['RRULE:FREQ=DAILY;COUNT=4']);
    const result = expandInstances(daily, window('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'));
    expect(starts(result)).toEqual([
      '2026-03-27T01:30:00.000Z',
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:30:00.000Z', // 02:30 does not exist; 03:30 CEST is 01:30 UTC
      '2026-03-30T00:30:00.000Z',
    ]);
    // The shifted occurrence keeps its length, and its id is its own original start.
    expect(result.instances[2]?.endsAt.toISOString()).toBe('2026-03-29T02:00:00.000Z');
    expect(result.instances[2]?.instanceId).toBe('20260329T013000Z');
  });

  it('takes the first of the two 02:30s on the fall-back day', () => {
    const daily = meeting('2026-10-24T00:30:00Z', '2026-10-24T01:00:00Z', ['RRULE:FREQ=DAILY;COUNT=3']);
    expect(starts(expandInstances(daily, window('2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z')))).toEqual([
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T00:30:00.000Z', // 02:30 CEST, the earlier of the two
      '2026-10-26T01:30:00.000Z',
    ]);
  });

  it('does the same in America/New_York, on its own switch dates', () => {
    const thursdays = meeting(
      '2026-03-05T15:00:00Z',
      '2026-03-05T16:00:00Z',
      ['RRULE:FREQ=WEEKLY;COUNT=3'],
      'America/New_York',
    );
    expect(
      starts(expandInstances(thursdays, window('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'))),
    ).toEqual(['2026-03-05T15:00:00.000Z', '2026-03-12T14:00:00.000Z', '2026-03-19T14:00:00.000Z']);
    const gap = meeting(
      '2026-03-07T07:30:00Z',
      '2026-03-07T08:00:00Z',
      ['RRULE:FREQ=DAILY;COUNT=3'],
      'America/New_York',
    );
    expect(starts(expandInstances(gap, window('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z')))).toEqual([
      '2026-03-07T07:30:00.000Z',
      '2026-03-08T07:30:00.000Z', // 02:30 does not exist; 03:30 EDT
      '2026-03-09T06:30:00.000Z',
    ]);
    const overlap = meeting(
      '2026-10-31T05:30:00Z',
      '2026-10-31T06:00:00Z',
      ['RRULE:FREQ=DAILY;COUNT=3'],
      'America/New_York',
    );
    expect(starts(expandInstances(overlap, window('2026-10-01T00:00:00Z', '2026-12-01T00:00:00Z')))).toEqual([
      '2026-10-31T05:30:00.000Z',
      '2026-11-01T05:30:00.000Z', // 01:30 EDT, the earlier of the two
      '2026-11-02T06:30:00.000Z',
    ]);
  });
});

describe('expandInstances for all-day series', () => {
  it('spans whole local days, 23 hours on the spring-forward day and 25 on the fall-back day', () => {
    const spring = meeting(
      '2026-03-26T23:00:00Z',
      '2026-03-27T23:00:00Z',
      ['RRULE:FREQ=DAILY;COUNT=4'],
      'Europe/Berlin',
      true,
    );
    const result = expandInstances(spring, window('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'));
    expect(result.instances.map((i) => [i.instanceId, i.endsAt.toISOString()])).toEqual([
      ['20260326T230000Z', '2026-03-27T23:00:00.000Z'],
      ['20260327T230000Z', '2026-03-28T23:00:00.000Z'],
      ['20260328T230000Z', '2026-03-29T22:00:00.000Z'],
      ['20260329T220000Z', '2026-03-30T22:00:00.000Z'],
    ]);
    const autumn = meeting(
      '2026-10-23T22:00:00Z',
      '2026-10-24T22:00:00Z',
      ['RRULE:FREQ=DAILY;COUNT=3'],
      'Europe/Berlin',
      true,
    );
    expect(
      expandInstances(autumn, window('2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z')).instances.map((i) =>
        i.endsAt.toISOString(),
      ),
    ).toEqual(['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z', '2026-10-26T23:00:00.000Z']);
  });

  it('keeps a multi-day all-day event as many local days long', () => {
    const weekend = meeting(
      '2026-03-27T23:00:00Z',
      '2026-03-29T22:00:00Z',
      ['RRULE:FREQ=WEEKLY;COUNT=2'],
      'Europe/Berlin',
      true,
    );
    expect(
      expandInstances(weekend, window('2026-03-01T00:00:00Z', '2026-05-01T00:00:00Z')).instances.map((i) => [
        i.startsAt.toISOString(),
        i.endsAt.toISOString(),
      ]),
    ).toEqual([
      ['2026-03-27T23:00:00.000Z', '2026-03-29T22:00:00.000Z'],
      ['2026-04-03T22:00:00.000Z', '2026-04-05T22:00:00.000Z'],
    ]);
  });

  it('removes a date given by EXDATE;VALUE=DATE', () => {
    const series = meeting(
      '2026-03-26T23:00:00Z',
      '2026-03-27T23:00:00Z',
      ['RRULE:FREQ=DAILY;COUNT=3', 'EXDATE;VALUE=DATE:20260328'],
      'Europe/Berlin',
      true,
    );
    expect(starts(expandInstances(series, window('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z')))).toEqual([
      '2026-03-26T23:00:00.000Z',
      '2026-03-28T23:00:00.000Z',
    ]);
  });
});
