import {
  firstChunkCandidates,
  lastWallClockMs,
  maxChunkSteps,
  scanCandidateBudget,
  stepMs,
  zoneSlackMs,
} from './bounds.js';
import { resolveWall } from './series.js';
import type { CompiledRule, CompiledSeries } from './series.js';

/** Real starts found in a scan, and how far the scan is complete. */
export interface StartScan {
  /** Sorted, without duplicates and without EXDATEs. */
  readonly starts: readonly number[];
  /** Every start before this instant has been found; Infinity when the whole range was covered. */
  readonly completeBeforeMs: number;
}

/** Lets a scan stop once more than `limit` starts that `counts` accepts are certain. */
export interface ScanGoal {
  readonly limit: number;
  readonly counts: (start: number) => boolean;
}

/**
 * Finds the real starts in [fromMs, toMs] in time order. It stops early once `goal` is met, or
 * when the budget of `scanStepBudget` periods runs out; `completeBeforeMs` says how far it is whole.
 */
export function scanStarts(series: CompiledSeries, fromMs: number, toMs: number, goal?: ScanGoal): StartScan {
  const found = new Set<number>();
  const keep = (start: number): void => {
    if (start >= fromMs && start <= toMs && !series.exdatesMs.has(start)) found.add(start);
  };
  let completeBeforeMs = Number.POSITIVE_INFINITY;
  const rule = series.rule;
  if (rule) {
    const scan =
      rule.count === undefined
        ? scanOpenRule(series, rule, fromMs, toMs, goal)
        : scanCountedRule(series, rule, fromMs, toMs);
    // UNTIL bounds the rule's starts only; an RDATE after it still counts (RFC 5545 3.8.5.2).
    for (const start of scan.starts) if (start <= rule.untilMs) keep(start);
    if (scan.completeToWallMs !== undefined) completeBeforeMs = scan.completeToWallMs - zoneSlackMs;
  } else {
    keep(series.firstStartMs);
  }
  series.rdatesMs.forEach(keep);
  const starts = [...found].filter((start) => start < completeBeforeMs).sort((a, b) => a - b);
  return { starts, completeBeforeMs };
}

interface RuleScan {
  /** Real starts of what the library produced (not yet filtered). */
  readonly starts: readonly number[];
  /** Wall-clock time up to which the rule was scanned; undefined when the range is covered. */
  readonly completeToWallMs: number | undefined;
}

function budgetMs(rule: CompiledRule): number {
  return rule.budgetSteps * rule.interval * stepMs[rule.freq];
}

/** The wall-clock range that can hold real starts in [fromMs, toMs], clipped to the series. */
function wallRange(
  series: CompiledSeries,
  rule: CompiledRule,
  fromMs: number,
  toMs: number,
): [number, number] {
  const from = Math.max(series.firstWallMs, fromMs - zoneSlackMs);
  const to = Math.min(lastWallClockMs, toMs + zoneSlackMs, rule.untilWallMs ?? Number.POSITIVE_INFINITY);
  return [from, to];
}

/**
 * Rules without COUNT: the library jumps to a phase-aligned start near each query, so we ask for
 * chunks from the window's start, a few candidates' worth first, then doubling or, once the density is known,
 * about as many periods as the goal still needs.
 */
function scanOpenRule(
  series: CompiledSeries,
  rule: CompiledRule,
  fromMs: number,
  toMs: number,
  goal: ScanGoal | undefined,
): RuleScan {
  const [from, to] = wallRange(series, rule, fromMs, toMs);
  const stop = Math.min(to, from + budgetMs(rule));
  const library = rule.create();
  const step = stepMs[rule.freq] * rule.interval;
  const walls: number[] = [];
  const starts: number[] = [];
  let sure = 0;
  let sureIndex = 0;
  let cursor = from;
  // Every call makes the library jump from DTSTART to the query (~0.1 ms of Temporal arithmetic),
  // more than a few candidates cost; so the first chunk holds as many periods as stay cheap.
  let steps = Math.max(1, Math.floor((firstChunkCandidates * rule.budgetSteps) / scanCandidateBudget));
  while (cursor < stop) {
    const chunkEnd = Math.min(stop, cursor + steps * step);
    try {
      for (const zdt of library.between(new Date(cursor), new Date(chunkEnd), true)) {
        // Chunks share their edges (between() is inclusive); walls arrive in ascending order.
        if (walls.at(-1) === zdt.epochMilliseconds) continue;
        walls.push(zdt.epochMilliseconds);
        starts.push(resolveWall(series, zdt.epochMilliseconds));
      }
    } catch {
      // The library's own iteration caps; what came before this chunk is still whole.
      return { starts, completeToWallMs: cursor };
    }
    cursor = chunkEnd;
    if (!goal || cursor >= to) {
      steps = Math.min(steps * 2, maxChunkSteps);
      continue;
    }
    // Only starts more than the zone slack behind the cursor are certain to be in final order.
    for (; sureIndex < walls.length && (walls[sureIndex] ?? 0) < cursor - zoneSlackMs; sureIndex++) {
      const start = starts[sureIndex] ?? 0;
      if (start >= fromMs && !series.exdatesMs.has(start) && goal.counts(start)) sure++;
    }
    if (sure > goal.limit) break;
    const scanned = (cursor - from) / step;
    const needed = sure > 0 ? Math.ceil(((goal.limit + 1 - sure) / sure) * scanned * 1.25) + 1 : steps * 2;
    steps = Math.max(1, Math.min(steps * 2, needed, maxChunkSteps));
  }
  return { starts, completeToWallMs: cursor >= to ? undefined : cursor };
}

/**
 * Rules with COUNT must be counted from DTSTART, so the library walks from there once; the walk is
 * cut at the scan budget (COUNT is at most 1000, so the occurrences themselves are few).
 */
function scanCountedRule(series: CompiledSeries, rule: CompiledRule, fromMs: number, toMs: number): RuleScan {
  const [, to] = wallRange(series, rule, fromMs, toMs);
  const stop = Math.min(to, series.firstWallMs + budgetMs(rule));
  const walls: number[] = [];
  let complete = true;
  try {
    rule.create(stop).all((zdt) => {
      walls.push(zdt.epochMilliseconds);
      return true;
    });
  } catch {
    complete = false;
  }
  const starts = walls.map((wall) => resolveWall(series, wall));
  const exhausted = walls.length >= (rule.count ?? Number.POSITIVE_INFINITY);
  if (exhausted || (complete && stop >= to)) return { starts, completeToWallMs: undefined };
  const last = walls.at(-1);
  return { starts, completeToWallMs: complete ? stop : last === undefined ? series.firstWallMs : last + 1 };
}
