// Issue 9's LLM "Done when" behaviour: ResilientLLM with the real SDKs against the loopback mock.
// Figures are printed, not asserted (2 loaded cores): the strict targets are measured by
// `npm run bench:llm -w @rampart/bench` (bench/src/llm-done-when.ts, which these scenarios come from).
import { instrumentManager } from '@rampart/prometheus';
import { ResourceType, type ResilienceManager } from '@rampart/core';
import { MockProviderServer } from '@rampart/llm/testing';
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatTable } from '../bench/src/harness.js';
import {
  afterOneFailureEach,
  brownout,
  chaos,
  describeCall,
  judgeChaos,
  percentiles,
  refusedPrimary,
  streamResets,
  type CallRecord,
  type ScenarioResult,
} from '../bench/src/llm-done-when.js';
import { doneWhenLlm, twoProviders } from '../bench/src/llm-call-recorder.js';

function printFigures(title: string, rows: Array<[string, number[]]>): void {
  const table = rows.map(([name, values]) => {
    const p = percentiles(values);
    return [name, String(p.n), p.p50.toFixed(1), p.p99.toFixed(1), p.max.toFixed(1)];
  });
  console.log(`${title}\n${formatTable([['ms', 'calls', 'p50', 'p99', 'max'], ...table])}`);
}

const answered = (r: ScenarioResult) => r.calls.filter((c) => c.error === undefined);
const failures = (r: ScenarioResult) => r.calls.filter((c) => c.error !== undefined).map(describeCall);

describe('Done when 1: streams reset before the first chunk on the primary', () => {
  it.each([1, 0.3])('at a reset rate of %d, every stream reaches its first token from a provider at once', async (rate) => {
    const r = await streamResets(40, rate);
    printFigures(`streams reset before the first chunk, rate ${rate}`, [['time to first token', r.calls.map((c) => c.ttftMs ?? Infinity)]]);
    expect(failures(r)).toEqual([]);
    expect(r.calls.every((c) => c.ttftMs !== undefined)).toBe(true);
    // a reset is cured on the other provider, never by a backoff on the primary: at most one request
    // to the primary per call, and never a wait (generous: a backoff is ≥ 1 s by default)
    for (const c of r.calls) expect(c.requests.filter((q) => q.startsWith('openai:')).length, describeCall(c)).toBeLessThanOrEqual(1);
    expect(Math.max(...r.calls.map((c) => c.ttftMs!))).toBeLessThan(900);
    if (rate === 1) expect(r.calls.every((c) => c.provider === 'anthropic')).toBe(true);
    else expect(r.calls.some((c) => c.provider === 'openai')).toBe(true);
  });
});

describe('Done when 2: a brownout (10% of the primary\'s calls hang) with timeoutMs 1,000', () => {
  it('a call that meets a hung primary is answered by the other provider right after the timeout', async () => {
    const r = await brownout(30);
    printFigures('brownout, every 10th primary request hangs, timeoutMs 1000', [['call', r.calls.map((c) => c.ms)]]);
    expect(failures(r)).toEqual([]);
    const slow = r.calls.filter((c) => c.requests.includes('openai:hang'));
    expect(slow.length).toBe(3);
    for (const c of slow) {
      expect(c.requests, describeCall(c)).toEqual(['openai:hang', 'anthropic:ok']);
      expect(c.ms, describeCall(c)).toBeGreaterThanOrEqual(950);
      expect(c.ms, describeCall(c)).toBeLessThan(2500);
    }
    for (const c of r.calls.filter((x) => !slow.includes(x))) expect(c.requests, describeCall(c)).toEqual(['openai:ok']);
  });
});

describe('Done when 3: a primary refusing connections', () => {
  it.each([
    ['whose port never had a listener', undefined],
    ['whose server is closed mid-run', 10],
  ] as const)('a primary %s costs the calls after the first refusal no wait', async (_, killAt) => {
    const r = await refusedPrimary(40, killAt);
    const after = r.calls.slice((killAt ?? 0) + 1);
    printFigures(`primary refusing connections (${_})`, [['calls after the first refused', after.map((c) => c.ms)]]);
    expect(failures(r)).toEqual([]);
    expect(after.every((c) => c.provider === 'anthropic')).toBe(true);
    // generous: no backoff (≥ 1 s by default) and no wait for the primary's cooldown
    for (const c of after) expect(c.ms, describeCall(c)).toBeLessThan(900);
    // a refused connection says the primary is down: it cools down, and the next calls do not try it
    // (a closed server: the call that finds its kept-alive socket gone may come first, a reset)
    const triedPrimary = r.calls.slice(killAt ?? 0).filter((c) => c.steps.some((x) => x.provider === 'openai' && x.outcome === 'failed'));
    expect(triedPrimary.length, triedPrimary.map(describeCall).join('\n')).toBeGreaterThanOrEqual(1);
    expect(triedPrimary.length, triedPrimary.map(describeCall).join('\n')).toBeLessThanOrEqual(killAt === undefined ? 1 : 2);
    expect(r.cooldowns.map((e) => [e.provider, (e.error as Error).name])).toEqual([['openai', 'LlmConnectionError']]);
  });
});

describe('Done when 4: a chaos run on the default config loses no call to a stale cooldown, counts no failure twice', () => {
  const CALLS = 300;
  const registry = new Registry();
  let r: ScenarioResult;
  let counted = 0;
  beforeAll(async () => {
    let metrics: { dispose(): void } | undefined;
    r = await chaos({
      calls: CALLS,
      concurrency: 20,
      primaryRate: 0.3,
      secondaryRate: 0.15,
      instrument: (llm) => (metrics = instrumentManager(llm.manager as ResilienceManager, { registry })),
    });
    const text = await registry.getSingleMetricAsString('rampart_provider_cooldowns_total');
    counted = text
      .split('\n')
      .filter((l) => l.startsWith('rampart_provider_cooldowns_total{'))
      .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
    metrics?.dispose();
    const v = judgeChaos(r);
    console.log(
      formatTable([
        [`chaos, ${CALLS} calls, 20 at a time`, 'value'],
        ['answered', String(v.answered)],
        ['cut after the first token', String(v.interrupted)],
        ['failed otherwise', String(v.failed.length)],
        ['failed without an upstream request', String(v.failedWithoutRequest.length)],
        ['delayed past the retry-after asked', String(v.delayed.length)],
        ['… parked by QUEUE_REQUEST', String(v.queued.length)],
        ['… backed off on the failed provider', String(v.backedOff.length)],
        ['upstream failures', JSON.stringify(v.failures)],
        ['cooldown events', JSON.stringify(v.cooldownEvents)],
        ['cooldown counter total', String(counted)],
        ...Object.entries(v.cooldownCauses).map(([cause, x]) => [`cooldowns after ${cause} (events / set ms / asked ms)`, `${x.events} / ${x.cooldownMs.join(',')} / ${x.askedMs.join(',')}`]),
      ]),
    );
    printFigures('chaos', [['call', r.calls.map((c) => c.ms)]]);
    console.log(`parked calls, and the cooldowns standing when they were parked:\n${v.queuedWhy.join('\n')}`);
    console.log(`delayed calls, slowest first:\n${[...v.delayed].sort((a, b) => b.ms - a.ms).slice(0, 8).map(describeCall).join('\n')}`);
  }, 300_000);

  it('every call is answered, or cut after its first token; none fails without an upstream request', () => {
    const v = judgeChaos(r);
    expect(v.failedWithoutRequest.map(describeCall)).toEqual([]);
    expect(v.failed.slice(0, 5).map(describeCall)).toEqual([]);
    expect(v.answered + v.interrupted).toBe(CALLS);
    expect(v.answered).toBeGreaterThan(CALLS / 2);
    // every interrupted stream had its first token: the cut came after it
    for (const c of r.calls.filter((x) => x.error !== undefined)) expect(c.ttftMs, describeCall(c)).toBeDefined();
  });

  it('each upstream failure makes one cooldown event at most, and the cooldown counter counts each event once', () => {
    const v = judgeChaos(r);
    expect(r.cooldowns.length).toBeGreaterThan(0);
    expect(v.duplicateEvents).toBe(0);
    for (const [provider, n] of Object.entries(v.cooldownEvents)) expect(n, provider).toBeLessThanOrEqual(v.failures[provider] ?? 0);
    expect(counted).toBe(r.cooldowns.filter((e) => e.operation === undefined).length);
  });
});

describe('Done when 4, one failure at a time: a provider cooled down for a failure that asked for no wait', () => {
  // (a 529 without retry-after cools down for transientCooldownMs, 5 s; a parked call is replayed on
  // the queue's 1 s poll once a provider is available, and DEGRADE_SERVICE never asks a cooling one)
  it.each([
    ['one 529 from each provider (no retry-after)', { type: 'overloaded' as const }, 1, 2],
    ['500s from both providers', { type: 'server_error' as const }, 2, 2],
  ])('%s: the first call is answered right after the failures', async (_, fault, p, q) => {
    const r = await afterOneFailureEach(fault, p, q, 1, 5000);
    console.log(r.calls.map(describeCall).join('\n'));
    expect(r.calls.map((c) => c.error)).toEqual([undefined]);
    expect(r.calls[0]!.ms).toBeLessThan(4000);
  });
});

describe('Done when 4, the other way round: a cooldown the provider asked for is not cut short', () => {
  // an answer reports the provider's recovery only when its request started after the provider's last failure
  it('an answer to a request sent before a 429 leaves the 429\'s retry-after standing', async () => {
    const server = await MockProviderServer.start();
    const llm = doneWhenLlm(twoProviders(server));
    try {
      const inFlight = llm.stream('a b c d e f')[Symbol.asyncIterator]();
      expect((await inFlight.next()).value).toMatchObject({ provider: 'openai' }); // its request was sent before the 429
      server.provider('openai').enqueue({ type: 'rate_limit', retryAfterSeconds: 5 });
      expect((await llm.invoke('limited')).provider).toBe('anthropic');
      expect(llm.manager.isProviderAvailable(ResourceType.API_QUOTA, 'openai')).toBe(false);
      for (let r = await inFlight.next(); !r.done; r = await inFlight.next());
      // the 5 s the provider asked for have not passed: the next call must not go to it
      expect(llm.manager.isProviderAvailable(ResourceType.API_QUOTA, 'openai')).toBe(false);
      expect((await llm.invoke('next')).provider).toBe('anthropic');
    } finally {
      await llm.close();
      await server.close();
    }
  });
});
