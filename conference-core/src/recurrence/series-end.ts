import { maxChunkSteps, stepMs, zoneSlackMs } from './bounds.js';
import { scanStarts } from './scan.js';
import { compileSeries, endOf, resolveWall } from './series.js';
import type { CompiledRule, CompiledSeries } from './series.js';
import type { RecurringEvent } from './types.js';

/**
 * End of the last occurrence, or null for a series without end. The service stores it so window
 * queries can skip finished series; any later Date is still correct for that, which is why the
 * fallbacks below may answer with a bound instead of the exact end:
 * - UNTIL whose last occurrence lies more than the scan budget before UNTIL: UNTIL + one length.
 * - COUNT whose occurrences reach past the scan budget from the start: null (treat as open).
 * A series whose every occurrence is excluded ends with its first (excluded) occurrence.
 */
export function seriesEnd(event: RecurringEvent): Date | null {
  const series = compileSeries(event);
  const rule = series.rule;
  if (rule && rule.count === undefined && rule.untilWallMs === undefined) return null;
  let last = Number.NEGATIVE_INFINITY;
  if (rule?.count !== undefined) {
    const scan = scanStarts(series, series.firstStartMs, Number.POSITIVE_INFINITY);
    if (scan.completeBeforeMs !== Number.POSITIVE_INFINITY) return null;
    last = Math.max(last, ...scan.starts);
  } else if (rule) {
    const found = lastBeforeUntil(series, rule);
    if (found === 'unknown') {
      // A date UNTIL has no exact instant (untilMs is Infinity); its wall-clock bound plus slack is later.
      const until = Number.isFinite(rule.untilMs) ? rule.untilMs : (rule.untilWallMs ?? 0) + zoneSlackMs;
      return new Date(until + series.reachMs);
    }
    last = Math.max(last, found);
  } else if (!series.exdatesMs.has(series.firstStartMs)) {
    last = series.firstStartMs;
  }
  for (const rdate of series.rdatesMs) if (!series.exdatesMs.has(rdate)) last = Math.max(last, rdate);
  return new Date(endOf(series, Number.isFinite(last) ? last : series.firstStartMs));
}

/**
 * Walks back from UNTIL in chunks (one period, doubling) until a start survives EXDATE and the
 * exact UTC bound; the library answers each chunk from a phase-aligned start, so this is cheap.
 */
function lastBeforeUntil(series: CompiledSeries, rule: CompiledRule): number | 'unknown' {
  const library = rule.create();
  const step = stepMs[rule.freq] * rule.interval;
  const floor = Math.max(series.firstWallMs, (rule.untilWallMs ?? 0) - rule.budgetSteps * step);
  let cursor = rule.untilWallMs ?? series.firstWallMs;
  let steps = 1;
  while (cursor > floor) {
    const chunkStart = Math.max(floor, cursor - steps * step);
    let walls: number[];
    try {
      walls = library
        .between(new Date(chunkStart), new Date(cursor), true)
        .map((zdt) => zdt.epochMilliseconds);
    } catch {
      return 'unknown';
    }
    const starts = usable(series, rule, walls);
    if (starts.length > 0) {
      // Across a DST gap a slightly earlier wall time can be a later instant: look one slack back.
      try {
        const edge = library.between(new Date(chunkStart - zoneSlackMs), new Date(chunkStart), true);
        starts.push(
          ...usable(
            series,
            rule,
            edge.map((zdt) => zdt.epochMilliseconds),
          ),
        );
      } catch {
        // The chunk itself was answered; its best start is still a correct end.
      }
      return Math.max(...starts);
    }
    cursor = chunkStart;
    steps = Math.min(steps * 2, maxChunkSteps);
  }
  return floor === series.firstWallMs ? Number.NEGATIVE_INFINITY : 'unknown';
}

function usable(series: CompiledSeries, rule: CompiledRule, walls: readonly number[]): number[] {
  return walls
    .map((wall) => resolveWall(series, wall))
    .filter((start) => start <= rule.untilMs && !series.exdatesMs.has(start));
}
