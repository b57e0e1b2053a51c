import { describe, expect, it } from 'vitest';
import { defaultLimit, maxLimit, maxScanSteps, scanStepBudget } from './bounds.js';
import { expandInstances } from './expand.js';
import { seriesEnd } from './series-end.js';
import { meeting, starts, window } from './test-support.js';

const since1970 = (rule: string) =>
  meeting('1970-01-01T08:00:00Z', '1970-01-01T09:00:00Z', [`RRULE:${rule}`]);
const century = window('1970-01-01T00:00:00Z', '2100-01-01T00:00:00Z');

/**
 * These tests catch unbounded loops (an expander walking 8,000 years hour by hour takes minutes), not
 * speed: speed is measured in benchmarks. The guard is far above the few milliseconds a quiet machine
 * needs, so a loaded 2-core CI machine does not fail them.
 */
const loopGuardMs = 5_000;

/** Best of three runs, for the same reason. */
function timed<T>(run: () => T): { result: T; ms: number } {
  let ms = Number.POSITIVE_INFINITY;
  let result = run();
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    result = run();
    ms = Math.min(ms, performance.now() - started);
  }
  return { result, ms };
}

describe('expansion limits', () => {
  const daily = meeting('2026-03-16T08:00:00Z', '2026-03-16T09:00:00Z', ['RRULE:FREQ=DAILY;COUNT=10']);
  const tenDays = window('2026-03-16T00:00:00Z', '2026-04-01T00:00:00Z');

  it('returns at most `limit` occurrences, the earliest ones, and says it cut', () => {
    const result = expandInstances(daily, tenDays, { limit: 3 });
    expect(starts(result)).toEqual([
      '2026-03-16T08:00:00.000Z',
      '2026-03-17T08:00:00.000Z',
      '2026-03-18T08:00:00.000Z',
    ]);
    expect(result.truncated).toBe(true);
  });

  it('does not flag a window that holds exactly `limit` occurrences', () => {
    expect(expandInstances(daily, tenDays, { limit: 10 })).toMatchObject({ truncated: false });
    expect(expandInstances(daily, tenDays, { limit: 10 }).instances).toHaveLength(10);
  });

  it(`defaults to ${defaultLimit} and never returns more than ${maxLimit}`, () => {
    const open = since1970('FREQ=DAILY');
    expect(expandInstances(open, century).instances).toHaveLength(defaultLimit);
    expect(expandInstances(open, century, { limit: 1_000_000 }).instances).toHaveLength(maxLimit);
  });

  it('refuses a limit that is not a positive whole number', () => {
    for (const limit of [0, -1, 2.5, Number.NaN]) {
      expect(() => expandInstances(daily, tenDays, { limit })).toThrow(RangeError);
    }
  });
});

describe('expansion is bounded in time, not only in results', () => {
  it('answers a daily rule from 1970 over a window to 2100 quickly, flagged as cut', () => {
    const { result, ms } = timed(() => expandInstances(since1970('FREQ=DAILY'), century));
    expect(result.truncated).toBe(true);
    expect(result.instances.at(-1)?.startsAt.toISOString()).toBe('1971-05-15T08:00:00.000Z');
    expect(ms).toBeLessThan(loopGuardMs);
  });

  it('jumps to a window far from the start instead of walking there', () => {
    const { result, ms } = timed(() =>
      expandInstances(since1970('FREQ=DAILY'), window('2099-12-30T00:00:00Z', '2100-01-01T00:00:00Z')),
    );
    expect(starts(result)).toEqual(['2099-12-30T08:00:00.000Z', '2099-12-31T08:00:00.000Z']);
    expect(result.truncated).toBe(false);
    expect(ms).toBeLessThan(loopGuardMs);
  });

  it.each([
    ['a daily rule that never matches', 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30'],
    [
      'a weekly rule that matches one day in a thousand',
      'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYMONTH=2;BYSETPOS=9',
    ],
    ['an hourly rule that never matches', 'FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30'],
    [
      'a yearly rule with many candidates and no match',
      'FREQ=YEARLY;BYMONTH=2;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYSETPOS=30',
    ],
    ['a counted rule that never reaches its count', 'FREQ=DAILY;COUNT=1000;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO'],
  ])('stops %s without walking the whole range and says the answer is cut', (_, rule) => {
    const { result, ms } = timed(() =>
      expandInstances(since1970(rule), window('1970-01-01T00:00:00Z', '9999-01-01T00:00:00Z')),
    );
    expect(result.truncated).toBe(true);
    expect(ms).toBeLessThan(loopGuardMs);
  });

  it('scans at most the step budget of periods, then flags the rest as unknown', () => {
    const yearly = since1970('FREQ=YEARLY');
    expect(scanStepBudget({ freq: 'YEARLY' })).toBe(maxScanSteps.YEARLY);
    const result = expandInstances(yearly, window('1970-01-01T00:00:00Z', '9999-01-01T00:00:00Z'), {
      limit: maxLimit,
    });
    expect(result.truncated).toBe(true);
    const last = result.instances.at(-1)?.startsAt.getUTCFullYear() ?? 0;
    expect(last).toBeGreaterThan(1970 + maxScanSteps.YEARLY - 5);
    expect(last).toBeLessThan(1970 + maxScanSteps.YEARLY + 5);
  });

  it('shrinks the budget for rules that make many candidates per period', () => {
    expect(
      scanStepBudget({ freq: 'WEEKLY', byDay: ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'], byHour: [9, 14] }),
    ).toBeLessThan(scanStepBudget({ freq: 'WEEKLY' }));
  });

  it('computes the end of an adversarial series quickly, null when it cannot know', () => {
    const { result, ms } = timed(() =>
      seriesEnd(since1970('FREQ=DAILY;COUNT=1000;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO')),
    );
    expect(result).toBeNull();
    expect(ms).toBeLessThan(loopGuardMs);
  });
});
