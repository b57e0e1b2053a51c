import { describe, expect, it } from 'vitest';
import { seriesEnd } from './series-end.js';
import { meeting } from './test-support.js';

const monday = (recurrence: readonly string[]) =>
  meeting('2026-03-16T08:00:00Z', '2026-03-16T09:00:00Z', recurrence);

describe('seriesEnd', () => {
  it('is null for a series without end', () => {
    expect(seriesEnd(monday(['RRULE:FREQ=WEEKLY']))).toBeNull();
  });

  it('is the end of the last occurrence of a COUNT series, at local time after a DST switch', () => {
    // Third Monday is 30 March, 09:00-10:00 CEST.
    expect(seriesEnd(monday(['RRULE:FREQ=WEEKLY;COUNT=3']))).toEqual(new Date('2026-03-30T08:00:00Z'));
  });

  it('is the end of the last occurrence on or before UNTIL, not UNTIL itself', () => {
    expect(seriesEnd(monday(['RRULE:FREQ=WEEKLY;UNTIL=20260410T000000Z']))).toEqual(
      new Date('2026-04-06T08:00:00Z'),
    );
    expect(seriesEnd(monday(['RRULE:FREQ=WEEKLY;UNTIL=20260406T070000Z']))).toEqual(
      new Date('2026-04-06T08:00:00Z'),
    );
    expect(seriesEnd(monday(['RRULE:FREQ=WEEKLY;UNTIL=20260406T065959Z']))).toEqual(
      new Date('2026-03-30T08:00:00Z'),
    );
  });

  it('finds the last occurrence of a far UNTIL without walking there from the start', () => {
    expect(seriesEnd(monday(['RRULE:FREQ=DAILY;UNTIL=21001231T235959Z']))).toEqual(
      new Date('2100-12-31T09:00:00Z'),
    );
  });

  it('skips a last occurrence removed by EXDATE', () => {
    expect(seriesEnd(monday(['RRULE:FREQ=WEEKLY;COUNT=3', 'EXDATE:20260330T070000Z']))).toEqual(
      new Date('2026-03-23T09:00:00Z'),
    );
    expect(
      seriesEnd(monday(['RRULE:FREQ=WEEKLY;UNTIL=20260331T000000Z', 'EXDATE:20260330T070000Z'])),
    ).toEqual(new Date('2026-03-23T09:00:00Z'));
  });

  it('reaches an RDATE after the rule ends, and covers a series of RDATEs only', () => {
    expect(seriesEnd(monday(['RRULE:FREQ=WEEKLY;COUNT=2', 'RDATE:20260601T070000Z']))).toEqual(
      new Date('2026-06-01T08:00:00Z'),
    );
    expect(seriesEnd(monday(['RDATE:20260401T070000Z,20260402T070000Z']))).toEqual(
      new Date('2026-04-02T08:00:00Z'),
    );
  });

  it('is the end of the event itself when there are no lines', () => {
    expect(seriesEnd(monday([]))).toEqual(new Date('2026-03-16T09:00:00Z'));
  });

  it('ends an all-day series at the local midnight after its last day', () => {
    const allDay = meeting(
      '2026-03-26T23:00:00Z',
      '2026-03-27T23:00:00Z',
      ['RRULE:FREQ=DAILY;UNTIL=20260329'],
      'Europe/Berlin',
      true,
    );
    expect(seriesEnd(allDay)).toEqual(new Date('2026-03-29T22:00:00Z'));
  });

  it('answers with a later bound, never an earlier one, when the last occurrence is out of reach', () => {
    const sparse = monday([
      'RRULE:FREQ=WEEKLY;UNTIL=99991231T000000Z;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYMONTH=2;BYSETPOS=9',
    ]);
    const end = seriesEnd(sparse);
    expect(end?.getTime()).toBeGreaterThanOrEqual(Date.UTC(9999, 11, 31));
  });
});
