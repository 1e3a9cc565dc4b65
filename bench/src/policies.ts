// Success-path and fast-fail costs of Rampart's policies beside cockatiel's and opossum's, in one
// process. Prints ns/call, × the bare call, and × cockatiel's equivalent.
import {
  createCircuitBreaker,
  createRetry,
  createTimeout,
  ResilienceManager,
  ResourceType,
  withFallback,
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
import { formatTable, type Case, type Runs } from './harness.js';

const work = async () => 1;

export const BARE = 'bare await fn()';
export const BARE_REJECTED = 'bare await of a rejected promise';
export const STACK = 'rampart retry+breaker+timeout';
export const OPOSSUM_TIMEOUT = 'opossum fire (timeout on)';
/** The guarded success path: `@withFallback` (API_QUOTA's default chain, a healthy provider, the call's deadline). */
export const GUARDED = 'rampart withFallback (default chain, healthy)';
export const COCKATIEL_RETRY_BREAKER = 'cockatiel wrap(retry, breaker)';
export const OPEN = {
  rampart: 'rampart open circuit (rejected)',
  cockatiel: 'cockatiel open circuit (rejected)',
  opossum: 'opossum open circuit (rejected)',
} as const;

export interface PolicyCases {
  cases: Case[];
  /** Release the peers' timers (opossum keeps two intervals per breaker). */
  dispose(): void;
}

export async function policyCases(): Promise<PolicyCases> {
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

  const manager = new ResilienceManager('bench-team', { env: { RAMPART_LOG_LEVEL: 'silent' } });
  const guarded = (withFallback(ResourceType.API_QUOTA, { manager }) as unknown as (f: typeof work) => typeof work)(work);
  const cRetryBreaker = cockatielWrap(
    cockatielRetry(handleAll, { maxAttempts: 3, backoff: new CockatielBackoff() }),
    cockatielBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
  );

  const oTimeout = new Opossum(work, { timeout: 1_000 });
  const oNoTimeout = new Opossum(work, { timeout: false });
  const oOpen = new Opossum(work, { timeout: false });
  oOpen.open();

  // The floor of any fast-fail: awaiting an already-rejected (and handled) promise and catching it.
  const rejected = Promise.reject(new Error('floor'));
  rejected.catch(() => undefined);

  const cases: Case[] = [
    { name: BARE, call: work },
    { name: 'rampart retry', call: () => rRetry.execute(work) },
    { name: 'cockatiel retry', call: () => cRetry.execute(work) },
    { name: 'rampart breaker', call: () => rBreaker.execute(work) },
    { name: 'cockatiel breaker', call: () => cBreaker.execute(work) },
    { name: 'rampart timeout', call: () => rTimeout.execute(work) },
    { name: 'cockatiel timeout', call: () => cTimeout.execute(work) },
    { name: STACK, call: () => rStack.execute(work) },
    { name: 'cockatiel retry+breaker+timeout', call: () => cStack.execute(work) },
    { name: GUARDED, call: () => guarded() },
    { name: COCKATIEL_RETRY_BREAKER, call: () => cRetryBreaker.execute(work) },
    { name: OPOSSUM_TIMEOUT, call: () => oTimeout.fire() },
    { name: 'opossum fire (timeout off)', call: () => oNoTimeout.fire() },
    { name: BARE_REJECTED, call: () => rejected },
    { name: OPEN.rampart, call: () => rOpen.execute(work) },
    { name: OPEN.cockatiel, call: () => cOpen.execute(work) },
    { name: OPEN.opossum, call: () => oOpen.fire() },
  ];
  return {
    cases,
    dispose: () => {
      for (const o of [oTimeout, oNoTimeout, oOpen]) o.shutdown();
      void manager.stop();
      circuitBreakers.clear();
    },
  };
}

const PEER: Record<string, string> = {
  'rampart retry': 'cockatiel retry',
  'rampart breaker': 'cockatiel breaker',
  'rampart timeout': 'cockatiel timeout',
  [STACK]: 'cockatiel retry+breaker+timeout',
  [GUARDED]: COCKATIEL_RETRY_BREAKER,
  [OPEN.rampart]: OPEN.cockatiel,
};

/** The side-by-side table of the per-case medians. */
export function policyTable(results: Runs): string {
  const by = new Map(results.median.map((r) => [r.name, r.nsPerCall]));
  const bare = by.get(BARE)!;
  const rows = [['case', 'ns/call', 'ops/s', '× bare', '× cockatiel']];
  for (const r of results.median) {
    const peer = PEER[r.name];
    rows.push([
      r.name,
      r.nsPerCall.toFixed(0),
      Math.round(r.opsPerSec).toLocaleString('en-US'),
      (r.nsPerCall / bare).toFixed(1),
      peer ? (r.nsPerCall / by.get(peer)!).toFixed(3) : '',
    ]);
  }
  return formatTable(rows);
}
