// The targets of issue 2, as ratios within one run. The ratios are measured in paired rounds: each
// round samples the cases a ratio needs back to back (a few hundred ms in all), so a burst of load
// from elsewhere on the machine hits both sides of a ratio instead of one. Reported: the median over
// the rounds, and their range.
import { formatTable, median, runCases, type Case } from './harness.js';
import { BARE, COCKATIEL_RETRY_BREAKER, GUARDED, OPEN, OPOSSUM_TIMEOUT, STACK } from './policies.js';

export const STACK_LIMIT = 0.35;
export const OPEN_LIMIT = 0.1;
export const HEAP_LIMIT_BYTES = 1024;

interface Target {
  name: string;
  /** The ratio in one round, from its ns/call by case name. */
  ratio: (ns: ReadonlyMap<string, number>) => number;
  limit: number;
}

const TARGETS: Target[] = [
  {
    name: 'stack overhead ÷ opossum fire (timeout on) overhead',
    ratio: (r) => (r.get(STACK)! - r.get(BARE)!) / (r.get(OPOSSUM_TIMEOUT)! - r.get(BARE)!),
    limit: STACK_LIMIT,
  },
  { name: 'open-circuit reject ÷ cockatiel', ratio: (r) => r.get(OPEN.rampart)! / r.get(OPEN.cockatiel)!, limit: OPEN_LIMIT },
  { name: 'open-circuit reject ÷ opossum', ratio: (r) => r.get(OPEN.rampart)! / r.get(OPEN.opossum)!, limit: OPEN_LIMIT },
  // reported, not yet a target: the guarded path (@withFallback) beside cockatiel's wrap(retry, breaker)
  { name: 'withFallback ÷ cockatiel wrap(retry, breaker)', ratio: (r) => r.get(GUARDED)! / r.get(COCKATIEL_RETRY_BREAKER)!, limit: Number.POSITIVE_INFINITY },
];

/** The cases the targets compare, in the order each round samples them. */
const TARGET_CASES = [BARE, STACK, OPOSSUM_TIMEOUT, OPEN.rampart, OPEN.cockatiel, OPEN.opossum, GUARDED, COCKATIEL_RETRY_BREAKER];

export interface TargetRatios {
  /** Per target (in TARGETS order), the ratio of every round. */
  readonly perRound: number[][];
  readonly heapBytesPerBreaker: number;
}

/** `rounds` paired rounds over the target cases (each case sampled ~`timeMs` per round). */
export async function measureTargets(cases: Case[], rounds: number, timeMs: number, heapBytesPerBreaker: number): Promise<TargetRatios> {
  const picked = TARGET_CASES.map((name) => {
    const c = cases.find((x) => x.name === name);
    if (!c) throw new Error(`no bench case named "${name}"`);
    return c;
  });
  const perRound: number[][] = TARGETS.map(() => []);
  for (let i = 0; i < rounds; i++) {
    const ns = new Map((await runCases(picked, { timeMs })).map((r) => [r.name, r.nsPerCall]));
    TARGETS.forEach((t, k) => perRound[k]!.push(t.ratio(ns)));
  }
  return { perRound, heapBytesPerBreaker };
}

export function targetsMet(r: TargetRatios): boolean {
  return TARGETS.every((t, k) => median(r.perRound[k]!) <= t.limit) && r.heapBytesPerBreaker <= HEAP_LIMIT_BYTES;
}

export function targetsTable(r: TargetRatios): string {
  const rows = [['target', 'median', 'range over rounds', 'limit', 'met']];
  TARGETS.forEach((t, k) => {
    const values = r.perRound[k]!;
    const m = median(values);
    rows.push([
      t.name,
      m.toFixed(3),
      `${Math.min(...values).toFixed(3)}–${Math.max(...values).toFixed(3)}`,
      Number.isFinite(t.limit) ? `≤ ${t.limit}` : 'reported',
      Number.isFinite(t.limit) ? (m <= t.limit ? 'yes' : 'NO') : '',
    ]);
  });
  const heap = r.heapBytesPerBreaker;
  rows.push(['heap per rampart breaker (bytes)', heap.toFixed(0), '', `≤ ${HEAP_LIMIT_BYTES}`, heap <= HEAP_LIMIT_BYTES ? 'yes' : 'NO']);
  return formatTable(rows);
}
