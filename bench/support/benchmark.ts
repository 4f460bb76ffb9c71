/**
 * What a benchmark is and what it reports. A benchmark measures; it never asserts on time. Its rows
 * are printed in the run's table and written, with its parameters and raw details, to
 * `bench/results/<name>.json`.
 */

export interface ResultRow {
  /** What was measured, e.g. `product (shrink-on-load), 1 core`. */
  metric: string;
  value: number;
  unit: string;
  /** Context printed beside the value (other percentiles, the baseline it was taken against…). */
  detail?: string;
  /** The target this figure is held to, in words (`≥ 20× jimp`), when the issue sets one. */
  target?: string;
  /** Whether the figure meets the target (only with `target`). */
  met?: boolean;
}

export interface BenchmarkOutcome {
  /** The sizes and settings of this run (from the environment or the defaults). */
  parameters: Record<string, unknown>;
  rows: ResultRow[];
  /** Raw measurements behind the rows (per round, per request class…). */
  details?: unknown;
}

export interface Benchmark {
  /** The name used on the command line and for the result file. */
  name: string;
  title: string;
  /** Whether it needs the compiled app (`dist/`) because it runs functions in the devhost. */
  needsBuild: boolean;
  run(progress: (message: string) => void): Promise<BenchmarkOutcome>;
}

/** A row held to a target: `met` is computed from the comparison, never written by hand. */
export function targetRow(row: Omit<ResultRow, 'target' | 'met'>, target: { atLeast?: number; atMost?: number; text: string }): ResultRow {
  const met = (target.atLeast === undefined || row.value >= target.atLeast) && (target.atMost === undefined || row.value <= target.atMost);
  return { ...row, target: target.text, met };
}
