/** One benchmark: it measures a baseline in the same run and prints its ratio against it. */
export interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(args: readonly string[]): Promise<void>;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}
