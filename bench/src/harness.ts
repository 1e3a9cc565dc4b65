import { Bench } from 'tinybench';

/** Sequential awaited calls per sample: per-call figures are the sample time divided by this. */
export const CALLS_PER_SAMPLE = 1_000;

export interface Case {
  name: string;
  /** One call; awaited `CALLS_PER_SAMPLE` times per sample. */
  call: () => Promise<unknown>;
}

export interface CaseResult {
  name: string;
  nsPerCall: number;
  opsPerSec: number;
}

/** Run every case in one tinybench run (same process, interleaved warm-up) and return ns/call. */
export async function runCases(cases: Case[], options: { timeMs?: number } = {}): Promise<CaseResult[]> {
  const bench = new Bench({ time: options.timeMs ?? 500, warmupTime: 100 });
  for (const c of cases) {
    bench.add(c.name, async () => {
      for (let i = 0; i < CALLS_PER_SAMPLE; i++) {
        try {
          await c.call();
        } catch {
          // fast-fail cases reject on purpose
        }
      }
    });
  }
  await bench.run();
  return bench.tasks.map((task) => {
    const r = task.result as { latency?: { p50: number; mean: number } } | undefined;
    const msPerSample = r?.latency?.p50 ?? Number.NaN;
    const nsPerCall = (msPerSample * 1e6) / CALLS_PER_SAMPLE;
    return { name: task.name, nsPerCall, opsPerSec: 1e9 / nsPerCall };
  });
}

/** Median of several runs of the same cases, per case (the machine is noisy). */
export async function medianOfRuns(cases: Case[], runs: number, timeMs?: number): Promise<CaseResult[]> {
  const all: CaseResult[][] = [];
  for (let i = 0; i < runs; i++) all.push(await runCases(cases, timeMs === undefined ? {} : { timeMs }));
  return cases.map((c, i) => {
    const values = all.map((r) => r[i]!.nsPerCall).sort((a, b) => a - b);
    const ns = values[Math.floor(values.length / 2)]!;
    return { name: c.name, nsPerCall: ns, opsPerSec: 1e9 / ns };
  });
}

export function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  const line = (r: string[]) => '| ' + r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ') + ' |';
  const sep = '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(rows[0]!), sep, ...rows.slice(1).map(line)].join('\n');
}
