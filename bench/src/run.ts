// `npm run bench`: every benchmark, side by side with the peers, in one process (node --expose-gc).
// BENCH_RUNS (default 3): runs of the side-by-side table, medians reported; BENCH_TIME_MS (default
// 500): sampling time per case per run; BENCH_ROUNDS (default 9): paired rounds for the targets;
// BENCH_CHANNEL_MESSAGES (default 200): sequential messages per channel (throughput sends 10×).
import { availableParallelism, loadavg } from 'node:os';
import { benchChannels } from './channels.js';
import { CALLS_PER_SAMPLE, formatTable, measureRuns } from './harness.js';
import { benchHeap } from './heap.js';
import { benchHealthReport } from './health-report.js';
import { benchLlmSwitch } from './llm-switch.js';
import { policyCases, policyTable } from './policies.js';
import { benchQueue } from './queue.js';
import { measureTargets, targetsMet, targetsTable } from './targets.js';

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

const runs = positiveInt('BENCH_RUNS', 3);
const timeMs = positiveInt('BENCH_TIME_MS', 500);
const rounds = positiveInt('BENCH_ROUNDS', 9);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

console.log(`Rampart benchmarks — node ${process.version}, ${availableParallelism()} cores, load average ${load()} (1/5/15 min)`);
console.log(
  `${runs} runs (medians), ${timeMs} ms per case per run, each sample ${CALLS_PER_SAMPLE.toLocaleString('en-US')} sequential awaited calls\n`,
);
const { cases, dispose } = await policyCases();
try {
  console.log('## Policies, success path and fast-fail\n');
  console.log(policyTable(await measureRuns(cases, runs, timeMs)));
  console.log('\n## Heap per breaker (10,000 alive)\n');
  const heap = benchHeap();
  console.log(formatTable([['breaker', 'bytes'], ...heap.map(([n, b]) => [n, b.toFixed(0)])]));
  const rampartHeap = heap.find(([n]) => n === 'rampart breaker')![1];
  console.log(`\n## Targets (ratios within a run: ${rounds} paired rounds, ${Math.round(timeMs / 5)} ms per case per round)\n`);
  const targets = await measureTargets(cases, rounds, Math.round(timeMs / 5), rampartHeap);
  console.log(targetsTable(targets));
  console.log(`\nall targets met: ${targetsMet(targets) ? 'yes' : 'NO'}; load average after: ${load()}`);
} finally {
  dispose();
}
console.log('\n## getHealthReport(), served from the last completed checks\n');
console.log(await benchHealthReport());
console.log('\n## Request queue (QUEUE_REQUEST): per-request cost with requests parked\n');
console.log(await benchQueue());
console.log('\n## Provider switch: primary answers 429, secondary answers (real SDKs, loopback mock server)\n');
console.log(await benchLlmSwitch(positiveInt('BENCH_SWITCH_ITERATIONS', 200)));
console.log(`\n## Channels between two teams through TeamChannels (load average ${load()})\n`);
console.log(await benchChannels(positiveInt('BENCH_CHANNEL_MESSAGES', 200)));
console.log('\n## Sharing state through Redis (its own redis-server and proxy)\n\n' + (await (await import('./redis-sharing.js')).benchRedisSharing(positiveInt('BENCH_REDIS_CALLS', 20_000))));
