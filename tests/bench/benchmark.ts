import { loadavg } from 'node:os';

/** One benchmark: it measures a baseline in the same run and prints its ratio against it. */
export interface Benchmark {
  readonly name: string;
  readonly description: string;
  /** `args` holds `--quick` when `npm run bench -- all --quick` runs it: small sizes, same figures. */
  run(args: readonly string[]): Promise<void>;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

/** True when the bench was asked for its small run (`--quick`). */
export function isQuick(args: readonly string[]): boolean {
  return args.includes('--quick');
}

/** One figure held against its bar, e.g. `{ figure: 'p50_ratio', value: 1.4, bar: '< 2', met: true }`. */
export interface BarCheck {
  readonly figure: string;
  readonly value: number;
  /** The bar as written in the issue: an operator and a number (`< 2`, `>= 0.65`). */
  readonly bar: string;
  readonly met: boolean;
}

/** What a bench reports for scripts: one line, `RESULT ` followed by this object as JSON. */
export interface BenchResult {
  readonly name: string;
  /** The headline ratio of ours against the baseline measured in the same run. */
  readonly ratio: number;
  readonly bars: readonly BarCheck[];
  /** Other figures worth keeping (units in the key: `_ms`, `_s`, `_kb`, `_per_s`). */
  readonly figures?: Readonly<Record<string, number>>;
  readonly quick?: boolean;
}

/** Checks `value` against a bar written as `<op> <number>`. */
export function bar(figure: string, value: number, barText: string): BarCheck {
  const match = /^(<=|>=|<|>)\s*(-?[\d.]+)$/.exec(barText.trim());
  if (match === null) throw new Error(`bar ${barText} is not "<op> <number>"`);
  const limit = Number(match[2]);
  const met =
    match[1] === '<'
      ? value < limit
      : match[1] === '<='
        ? value <= limit
        : match[1] === '>'
          ? value > limit
          : value >= limit;
  return { figure, value: Number(value.toFixed(4)), bar: barText, met };
}

/** Prints the one line a script reads (`grep '^RESULT '`), with the machine's load average. */
export function printResult(result: BenchResult): void {
  const load = loadavg().map((l) => Number(l.toFixed(2)));
  console.log(`RESULT ${JSON.stringify({ ...result, ratio: Number(result.ratio.toFixed(4)), load })}`);
}
