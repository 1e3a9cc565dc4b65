// Success-path and fast-fail costs of Rampart's policies beside cockatiel's and opossum's, in one
// process. Prints ns/call, × the bare call, and × cockatiel's equivalent.
import {
  createCircuitBreaker,
  createRetry,
  createTimeout,
  wrap as rampartWrap,
  circuitBreakers,
} from '@rampart/core';
import {
  ConsecutiveBreaker,
  ExponentialBackoff as CockatielBackoff,
  TimeoutStrategy,
  circuitBreaker as cockatielBreaker,
  handleAll,
  retry as cockatielRetry,
  timeout as cockatielTimeout,
  wrap as cockatielWrap,
} from 'cockatiel';
import Opossum from 'opossum';
import { formatTable, medianOfRuns, type Case } from './harness.js';

const work = async () => 1;

export async function policyCases(): Promise<Case[]> {
  circuitBreakers.clear();
  const rRetry = createRetry({ maxAttempts: 3 });
  const rBreaker = createCircuitBreaker('bench-closed', { failureThreshold: 5, recoveryTimeoutMs: 10_000 });
  const rTimeout = createTimeout({ timeoutMs: 1_000 });
  const rStack = rampartWrap(
    createRetry({ maxAttempts: 3 }),
    createCircuitBreaker('bench-stack', { failureThreshold: 5, recoveryTimeoutMs: 10_000 }),
    createTimeout({ timeoutMs: 1_000 }),
  );
  const rOpen = createCircuitBreaker('bench-open', { failureThreshold: 1, recoveryTimeoutMs: 3_600_000 });
  rOpen.isolate();

  const cRetry = cockatielRetry(handleAll, { maxAttempts: 3, backoff: new CockatielBackoff() });
  const cBreaker = cockatielBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });
  const cTimeout = cockatielTimeout(1_000, TimeoutStrategy.Aggressive);
  const cStack = cockatielWrap(
    cockatielRetry(handleAll, { maxAttempts: 3, backoff: new CockatielBackoff() }),
    cockatielBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
    cockatielTimeout(1_000, TimeoutStrategy.Aggressive),
  );
  const cOpen = cockatielBreaker(handleAll, { halfOpenAfter: 3_600_000, breaker: new ConsecutiveBreaker(1) });
  await cOpen.execute(() => Promise.reject(new Error('open it'))).catch(() => undefined);

  const oTimeout = new Opossum(work, { timeout: 1_000 });
  const oNoTimeout = new Opossum(work, { timeout: false });
  const oOpen = new Opossum(work, { timeout: false });
  oOpen.open();

  return [
    { name: 'bare await fn()', call: work },
    { name: 'rampart retry', call: () => rRetry.execute(work) },
    { name: 'cockatiel retry', call: () => cRetry.execute(work) },
    { name: 'rampart breaker', call: () => rBreaker.execute(work) },
    { name: 'cockatiel breaker', call: () => cBreaker.execute(work) },
    { name: 'rampart timeout', call: () => rTimeout.execute(work) },
    { name: 'cockatiel timeout', call: () => cTimeout.execute(work) },
    { name: 'rampart retry+breaker+timeout', call: () => rStack.execute(work) },
    { name: 'cockatiel retry+breaker+timeout', call: () => cStack.execute(work) },
    { name: 'opossum fire (timeout on)', call: () => oTimeout.fire() },
    { name: 'opossum fire (timeout off)', call: () => oNoTimeout.fire() },
    { name: 'rampart open circuit (rejected)', call: () => rOpen.execute(work) },
    { name: 'cockatiel open circuit (rejected)', call: () => cOpen.execute(work) },
    { name: 'opossum open circuit (rejected)', call: () => oOpen.fire() },
  ];
}

const PEER: Record<string, string> = {
  'rampart retry': 'cockatiel retry',
  'rampart breaker': 'cockatiel breaker',
  'rampart timeout': 'cockatiel timeout',
  'rampart retry+breaker+timeout': 'cockatiel retry+breaker+timeout',
  'rampart open circuit (rejected)': 'cockatiel open circuit (rejected)',
};

export async function benchPolicies(runs: number): Promise<string> {
  const results = await medianOfRuns(await policyCases(), runs);
  const by = new Map(results.map((r) => [r.name, r.nsPerCall]));
  const bare = by.get('bare await fn()')!;
  const rows = [['case', 'ns/call', 'ops/s', '× bare', '× cockatiel']];
  for (const r of results) {
    const peer = PEER[r.name];
    rows.push([
      r.name,
      r.nsPerCall.toFixed(0),
      Math.round(r.opsPerSec).toLocaleString('en-US'),
      (r.nsPerCall / bare).toFixed(1),
      peer ? (r.nsPerCall / by.get(peer)!).toFixed(3) : '',
    ]);
  }
  const over = (name: string) => by.get(name)! - bare;
  const targets = [
    ['target', 'measured', 'limit', 'met'],
    [
      'stack overhead ÷ opossum fire(timeout on) overhead',
      (over('rampart retry+breaker+timeout') / over('opossum fire (timeout on)')).toFixed(3),
      '0.35',
      String(over('rampart retry+breaker+timeout') / over('opossum fire (timeout on)') <= 0.35),
    ],
    [
      'open-circuit reject ÷ cockatiel',
      (by.get('rampart open circuit (rejected)')! / by.get('cockatiel open circuit (rejected)')!).toFixed(3),
      '0.1',
      String(by.get('rampart open circuit (rejected)')! / by.get('cockatiel open circuit (rejected)')! <= 0.1),
    ],
    [
      'open-circuit reject ÷ opossum',
      (by.get('rampart open circuit (rejected)')! / by.get('opossum open circuit (rejected)')!).toFixed(3),
      '0.1',
      String(by.get('rampart open circuit (rejected)')! / by.get('opossum open circuit (rejected)')! <= 0.1),
    ],
  ];
  return `${formatTable(rows)}\n\n${formatTable(targets)}`;
}
