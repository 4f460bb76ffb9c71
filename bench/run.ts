import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import gallery from './gallery.bench.js';
import pipeline from './pipeline.bench.js';
import exportBench from './export.bench.js';
import type { Benchmark } from './support/benchmark.js';
import { cleanUpAll } from './support/cleanup.js';
import { describeMachine, watchMachineLoad } from './support/machine.js';
import { formatTable, writeResult, type BenchmarkResult } from './support/report.js';
import thumbnails from './thumbnails.bench.js';
import uploads from './uploads.bench.js';
import zip from './zip.bench.js';

/**
 * `npm run bench` runs every benchmark; `npm run bench -- <name> [<name>…]` runs those. Each prints its
 * rows as it ends and writes bench/results/<name>.json; the run ends with one table of all of them.
 * Benchmarks measure and never assert on time: the exit code is non-zero only when one failed to run.
 */

const BENCHMARKS: readonly Benchmark[] = [thumbnails, uploads, zip, exportBench, gallery, pipeline];

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

function selectBenchmarks(names: readonly string[]): Benchmark[] {
  if (names.length === 0) return [...BENCHMARKS];
  const unknown = names.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `Unknown benchmark ${unknown.join(', ')}; the benchmarks are ${BENCHMARKS.map((benchmark) => benchmark.name).join(', ')}.`,
    );
  }
  return BENCHMARKS.filter((benchmark) => names.includes(benchmark.name));
}

function log(message: string): void {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: dropping the benchmark databases and stopping what was started`);
    void cleanUpAll().finally(() => process.exit(130));
  });
}

const selected = selectBenchmarks(process.argv.slice(2));
if (selected.some((benchmark) => benchmark.needsBuild)) {
  // The devhost runs the compiled app, as the Functions host does (and as `npm test` does).
  log('building the app (npm run build)');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repositoryRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed.');
}

const machine = describeMachine();
log(`${machine.cores} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, libvips ${machine.libvips}`);
const results: BenchmarkResult[] = [];
const failed: string[] = [];
const runStarted = performance.now();
for (const benchmark of selected) {
  log(`${benchmark.name}: ${benchmark.title}`);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const machineLoad = watchMachineLoad();
  try {
    const outcome = await benchmark.run((message) => log(`${benchmark.name}: ${message}`));
    const result: BenchmarkResult = {
      name: benchmark.name,
      title: benchmark.title,
      startedAt,
      durationSeconds: Math.round((performance.now() - started) / 100) / 10,
      machine,
      load: machineLoad(),
      ...outcome,
    };
    results.push(result);
    const file = await writeResult(result);
    log(
      `${benchmark.name}: done in ${result.durationSeconds} s (load ${result.load.loadAverageStart} → ${result.load.loadAverageEnd}), ${file}`,
    );
    console.log(`\n${formatTable([result])}\n`);
  } catch (error) {
    failed.push(benchmark.name);
    log(`${benchmark.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

log(`all done in ${Math.round((performance.now() - runStarted) / 1000)} s`);
if (results.length > 1) console.log(`\n${formatTable(results)}\n`);
if (failed.length > 0) {
  log(`failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
