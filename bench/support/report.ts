import { mkdir, writeFile } from 'node:fs/promises';
import type { BenchmarkOutcome, ResultRow } from './benchmark.js';
import type { MachineInfo, MachineLoad } from './machine.js';
import { round } from './stats.js';

const RESULTS_DIRECTORY = new URL('../results/', import.meta.url);

export interface BenchmarkResult extends BenchmarkOutcome {
  name: string;
  title: string;
  startedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  load: MachineLoad;
}

export async function writeResult(result: BenchmarkResult): Promise<string> {
  await mkdir(RESULTS_DIRECTORY, { recursive: true });
  const file = new URL(`${result.name}.json`, RESULTS_DIRECTORY);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file.pathname;
}

function formatValue(row: ResultRow): string {
  const value = round(row.value).toLocaleString('en-US', { maximumFractionDigits: 2 });
  return row.unit === '×' ? `${value}×` : `${value} ${row.unit}`;
}

/** A Markdown table (readable in a terminal, pasteable into docs/performance.md). */
export function formatTable(results: readonly Pick<BenchmarkResult, 'name' | 'rows'>[]): string {
  const lines = [
    ['benchmark', 'metric', 'value', 'detail', 'target', ''],
    ...results.flatMap((result) =>
      result.rows.map((row) => [
        result.name,
        row.metric,
        formatValue(row),
        row.detail ?? '',
        row.target ?? '',
        row.met === undefined ? '' : row.met ? 'met' : 'short',
      ]),
    ),
  ];
  const widths = lines[0]!.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
  const render = (line: string[]) => `| ${line.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [render(lines[0]!), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...lines.slice(1).map(render)].join('\n');
}
