// `npm run bench`: every benchmark, side by side with the peers, in one process.
import { formatTable } from './harness.js';
import { benchHeap } from './heap.js';
import { benchHealthReport } from './health-report.js';
import { benchPolicies } from './policies.js';

const runs = Number(process.env.BENCH_RUNS ?? 3);
console.log(`Rampart benchmarks — node ${process.version}, ${runs} runs (median), each sample 1,000 sequential awaited calls\n`);
console.log('## Policies, success path and fast-fail\n');
console.log(await benchPolicies(runs));
console.log('\n## Heap per breaker (10,000 alive)\n');
console.log(formatTable([['breaker', 'bytes'], ...benchHeap().map(([n, b]) => [n, b.toFixed(0)])]));
console.log('\n## getHealthReport(), served from the last completed checks\n');
console.log(await benchHealthReport());
