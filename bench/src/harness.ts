import { Bench } from 'tinybench';

/** Sequential awaited calls per sample: per-call figures are the sample time divided by this. */
export const CALLS_PER_SAMPLE = 1_000;

export interface Case {
  name: string;
  /** One call; awaited `CALLS_PER_SAMPLE` times per sample. Fast-fail cases may reject. */
  call: () => Promise<unknown>;
}

export interface CaseResult {
  name: string;
  nsPerCall: number;
  opsPerSec: number;
}

/** Several runs of the same cases: each run's figures, and each case's median over the runs. */
export interface Runs {
  runs: CaseResult[][];
  median: CaseResult[];
}

type Loop = () => Promise<void>;

/**
 * The sample loop of one case, compiled anew for that case (`new Function` creates a fresh
 * function, not another closure of one literal). Closures of one literal share V8's type
 * feedback: a single shared loop would see every case's `call` and turn megamorphic after the
 * first, charging later cases for the earlier ones (and making the order of cases matter).
 */
function loopOf(call: () => Promise<unknown>): Loop {
  const make = new Function(
    'call',
    'n',
    `return async function sample() {
      for (let i = 0; i < n; i++) {
        try {
          await call();
        } catch {
          // fast-fail cases reject on purpose
        }
      }
    };`,
  ) as (call: () => Promise<unknown>, n: number) => Loop;
  return make(call, CALLS_PER_SAMPLE);
}

/** A full GC when node runs with --expose-gc, so no case pays for the garbage of the one before. */
function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Run every case once in one tinybench run (same process) and return the median ns/call of each. */
export async function runCases(cases: Case[], options: { timeMs?: number } = {}): Promise<CaseResult[]> {
  // time-bound: tinybench's default minimum of 64 samples would take seconds for the peers'
  // slow cases (a cockatiel timeout sample is ~40 ms)
  const bench = new Bench({ time: options.timeMs ?? 500, warmupTime: 100, iterations: 5, warmupIterations: 2 });
  for (const c of cases) bench.add(c.name, loopOf(c.call), { beforeAll: collect });
  await bench.run();
  return bench.tasks.map((task) => {
    const r = task.result as { latency?: { p50: number } } | undefined;
    const msPerSample = r?.latency?.p50 ?? Number.NaN;
    const nsPerCall = (msPerSample * 1e6) / CALLS_PER_SAMPLE;
    return { name: task.name, nsPerCall, opsPerSec: 1e9 / nsPerCall };
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `runs` runs of the same cases (the machine is noisy): every run's figures and the per-case medians. */
export async function measureRuns(cases: Case[], runs: number, timeMs?: number): Promise<Runs> {
  const all: CaseResult[][] = [];
  for (let i = 0; i < runs; i++) all.push(await runCases(cases, timeMs === undefined ? {} : { timeMs }));
  const med = cases.map((c, i) => {
    const ns = median(all.map((r) => r[i]!.nsPerCall));
    return { name: c.name, nsPerCall: ns, opsPerSec: 1e9 / ns };
  });
  return { runs: all, median: med };
}

export function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  const line = (r: string[]) => '| ' + r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ') + ' |';
  const sep = '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(rows[0]!), sep, ...rows.slice(1).map(line)].join('\n');
}
