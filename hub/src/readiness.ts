import { withTimeout } from '@vc/conference-core';

/**
 * `/readyz` asks every part the hub depends on whether it can serve now. A check that throws or
 * takes too long makes the hub unready, and its name and error are reported so an operator sees
 * which part failed without reading logs.
 */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export type CheckOutcome = { ok: true } | { ok: false; error: string };

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckOutcome>;
}

export async function checkReadiness(
  checks: readonly ReadinessCheck[],
  timeoutMs: number,
): Promise<ReadinessReport> {
  const outcomes = await Promise.all(
    checks.map(async (c): Promise<[string, CheckOutcome]> => [c.name, await runCheck(c, timeoutMs)]),
  );
  return { ready: outcomes.every(([, o]) => o.ok), checks: Object.fromEntries(outcomes) };
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckOutcome> {
  try {
    await withTimeout(check.check(), timeoutMs, 'no answer');
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
