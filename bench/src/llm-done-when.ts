// Issue 9's LLM "Done when" figures for ResilientLLM: the real openai and @anthropic-ai/sdk clients
// against @rampart/llm/testing's loopback MockProviderServer (two providers, openai → anthropic).
// `npm run bench:llm` (after `npm run build`): every scenario, latency percentiles, and the fallback
// steps of the slowest calls. test/llm-done-when.test.ts runs the same scenarios, fewer calls, and
// asserts their behaviour with generous bounds.
// BENCH_LLM_CALLS (default 200): calls per latency scenario; BENCH_LLM_CHAOS_CALLS (default 1,000).
import { createServer } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { HedgingOptions, ResilientLLM } from '@rampart/llm';
import { MockProviderServer, type MockFault } from '@rampart/llm/testing';
import { formatTable } from './harness.js';
import { describeCall, doneWhenLlm, errorName, percentiles, runScenario, twoProviders, type CallRecord, type Percentiles, type ScenarioResult } from './llm-call-recorder.js';

export { describeCall, percentiles, type CallRecord, type ScenarioResult } from './llm-call-recorder.js';

/** Done-when 1: the primary resets `rate` of its streams before the first chunk (no response, or headers then a cut). */
export async function streamResets(calls: number, rate: number): Promise<ScenarioResult> {
  const server = await MockProviderServer.start();
  server.provider('openai').setFaultRate(rate, [{ type: 'reset' }, { type: 'stream_disconnect', afterChunks: 0 }], 9);
  const llm = doneWhenLlm(twoProviders(server));
  try {
    return await runScenario({ server, llm, calls, stream: () => true });
  } finally {
    await llm.close();
    await server.close();
  }
}

/**
 * Done-when 2: a brownout, every `slowEvery`-th request to the primary hangs (it would answer after
 * 5 s; the mock never answers, which the client cannot tell apart with a 1 s timeout), `timeoutMs` 1,000.
 */
export async function brownout(calls: number, slowEvery = 10, timeoutMs = 1000, hedging?: HedgingOptions): Promise<ScenarioResult> {
  const server = await MockProviderServer.start();
  server.provider('openai').enqueue(...Array.from({ length: calls * 2 }, (_, i): MockFault | 'ok' => (i % slowEvery === slowEvery - 1 ? { type: 'hang' } : 'ok')));
  const llm = doneWhenLlm(twoProviders(server), { timeoutMs, hedging });
  try {
    return await runScenario({ server, llm, calls, stream: () => false });
  } finally {
    await llm.close();
    await server.close();
  }
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * Done-when 3: the primary refuses connections. `killAt` undefined: its port never had a listener;
 * else the primary answers (its own server) until call `killAt`, when that server is closed.
 */
export async function refusedPrimary(calls: number, killAt?: number): Promise<ScenarioResult> {
  const server = await MockProviderServer.start();
  const primary = killAt === undefined ? undefined : await MockProviderServer.start();
  const url = primary ? primary.openaiBaseURL('openai') : `http://127.0.0.1:${await closedPort()}/v1`;
  const llm = doneWhenLlm(twoProviders(server, url));
  try {
    const before = (i: number) => (i === killAt ? primary?.close() : undefined);
    const result = await runScenario({ server, llm, calls, stream: () => false, before });
    if (primary) for (const r of primary.requests) result.upstream[`primary-server:${r.outcome}`] = (result.upstream[`primary-server:${r.outcome}`] ?? 0) + 1;
    return result;
  } finally {
    await llm.close();
    await primary?.close();
    await server.close();
  }
}

/**
 * Done-when 4, one failure at a time: the primary fails `primaryFaults` times and the secondary
 * `secondaryFaults` times with `fault` (neither asks for a retry-after), then both answer. How long
 * do the next `calls` calls take, on the default config? `deadlineMs` bounds each call.
 */
export async function afterOneFailureEach(fault: MockFault, primaryFaults: number, secondaryFaults: number, calls = 3, deadlineMs?: number): Promise<ScenarioResult> {
  const server = await MockProviderServer.start();
  server.provider('openai').enqueue(...Array.from({ length: primaryFaults }, () => fault));
  server.provider('anthropic').enqueue(...Array.from({ length: secondaryFaults }, () => fault));
  const llm = doneWhenLlm(twoProviders(server), { timeoutMs: 1000, ...(deadlineMs === undefined ? {} : { deadlineMs }) });
  try {
    return await runScenario({ server, llm, calls, stream: () => false });
  } finally {
    await llm.close();
    await server.close();
  }
}

/** What a chaos run's primary and secondary fail with. */
export const CHAOS_RETRY_AFTER_MS = 500;
export const CHAOS_FAULTS: MockFault[] = [
  { type: 'rate_limit', retryAfterSeconds: 1, retryAfterMs: CHAOS_RETRY_AFTER_MS },
  { type: 'server_error' },
  { type: 'overloaded' },
  { type: 'reset' },
  { type: 'hang' },
  { type: 'stream_disconnect', afterChunks: 2 },
];

/**
 * Done-when 4: `calls` calls (every other one streamed), `concurrency` at a time, through a
 * ResilientLLM on the default manager config, `timeoutMs` 1,000 so hangs end; the primary fails
 * `primaryRate` of its requests and the secondary `secondaryRate`, drawn from {@link CHAOS_FAULTS}.
 */
export async function chaos(o: { calls: number; concurrency: number; primaryRate: number; secondaryRate: number; timeoutMs?: number; instrument?: (llm: ResilientLLM) => void }): Promise<ScenarioResult> {
  const server = await MockProviderServer.start();
  server.provider('openai').setFaultRate(o.primaryRate, CHAOS_FAULTS, 2026);
  server.provider('anthropic').setFaultRate(o.secondaryRate, CHAOS_FAULTS, 1207);
  const llm = doneWhenLlm(twoProviders(server), { timeoutMs: o.timeoutMs ?? 1000 });
  o.instrument?.(llm);
  try {
    return await runScenario({ server, llm, calls: o.calls, concurrency: o.concurrency, stream: (i) => i % 2 === 1 });
  } finally {
    await llm.close();
    await server.close();
  }
}

/** How a chaos run's calls and cooldowns measure against Done-when 4. */
export interface ChaosVerdict {
  answered: number;
  /** Streams cut after their first token: a StreamInterruptedError by design, not a loss. */
  interrupted: number;
  failed: CallRecord[];
  /** Calls that failed without a single upstream request. */
  failedWithoutRequest: CallRecord[];
  /** Calls whose time beyond their own hung attempts exceeds the retry-after asked ({@link CHAOS_RETRY_AFTER_MS}) plus `slackMs`. */
  delayed: CallRecord[];
  /** Of those, the calls parked by QUEUE_REQUEST: lost to a cooldown for longer than any provider asked. */
  queued: CallRecord[];
  /** Of those, the calls that backed off on the provider that failed (another one failed too, or was cooling down). */
  backedOff: CallRecord[];
  /** Failed upstream requests per provider, and cooldown events per provider. */
  failures: Record<string, number>;
  cooldownEvents: Record<string, number>;
  /** Per error: cooldown events, the cooldowns set (ms) and the retry-after the provider asked for (ms, or none). */
  cooldownCauses: Record<string, { events: number; cooldownMs: number[]; askedMs: Array<number | 'none'> }>;
  /** Cooldown events whose error object another event carried too (one failure counted twice). */
  duplicateEvents: number;
  /** Per parked call: how long it waited in the queue and the cooldowns that stood when it was parked. */
  queuedWhy: string[];
}

/** The cooldowns standing at `at` (performance.now()), one per provider: the latest event's error, length and age. */
function standingCooldowns(r: ScenarioResult, at: number): string {
  const latest = new Map<string, number>();
  r.cooldowns.forEach((e, i) => {
    if (r.cooldownAt[i]! <= at && r.cooldownAt[i]! + e.cooldownMs > at) latest.set(e.provider, i);
  });
  return [...latest.entries()]
    .map(([provider, i]) => {
      const e = r.cooldowns[i]!;
      const asked = (e.error as { retryAfterMs?: number } | undefined)?.retryAfterMs;
      return `${provider} after ${errorName(e.error)} ${(at - r.cooldownAt[i]!).toFixed(0)} ms before (set ${e.cooldownMs} ms, asked ${asked ?? 'none'})`;
    })
    .join('; ');
}

/** A parked call: its wait in the queue, and the cooldowns that stood when it was parked. */
function whyQueued(r: ScenarioResult, c: CallRecord): string {
  const q = c.steps.findIndex((s) => s.strategy === 'queue_request');
  const parkedAtMs = c.steps[q - 1]?.atMs ?? 0;
  return `call ${c.index}: ${(c.steps[q]!.atMs - parkedAtMs).toFixed(0)} ms in the queue; standing when parked: ${standingCooldowns(r, c.startedAt + parkedAtMs) || 'none'}`;
}

const isQueued = (c: CallRecord) => c.steps.some((s) => s.strategy === 'queue_request');
/** A RETRY step on the provider that failed (the step reports it without a provider). */
const isBackedOff = (c: CallRecord) => c.steps.some((s) => s.strategy === 'retry' && s.provider === undefined && s.outcome !== 'skipped');

export function judgeChaos(r: ScenarioResult, timeoutMs = 1000, slackMs = 250): ChaosVerdict {
  const interruptedCall = (c: CallRecord) => (c.error as Error | undefined)?.name === 'StreamInterruptedError';
  const failed = r.calls.filter((c) => c.error !== undefined && !interruptedCall(c));
  const hangs = (c: CallRecord) => c.requests.filter((q) => q.endsWith(':hang') || q.endsWith(':stream_hang')).length;
  const failures: Record<string, number> = {};
  const cooldownEvents: Record<string, number> = {};
  const cooldownCauses: ChaosVerdict['cooldownCauses'] = {};
  for (const [k, n] of Object.entries(r.upstream)) {
    const [provider, outcome] = k.split(':');
    if (outcome !== 'ok') failures[provider!] = (failures[provider!] ?? 0) + n;
  }
  const seen = new Set<unknown>();
  let duplicateEvents = 0;
  for (const e of r.cooldowns) {
    cooldownEvents[e.provider] = (cooldownEvents[e.provider] ?? 0) + 1;
    if (e.error !== undefined && seen.has(e.error)) duplicateEvents++;
    seen.add(e.error);
    const cause = (cooldownCauses[errorName(e.error)] ??= { events: 0, cooldownMs: [], askedMs: [] });
    cause.events++;
    if (!cause.cooldownMs.includes(e.cooldownMs)) cause.cooldownMs.push(e.cooldownMs);
    const asked = (e.error as { retryAfterMs?: number } | undefined)?.retryAfterMs ?? 'none';
    if (!cause.askedMs.includes(asked)) cause.askedMs.push(asked);
  }
  const delayed = r.calls.filter((c) => c.ms - hangs(c) * timeoutMs > CHAOS_RETRY_AFTER_MS + slackMs);
  return {
    answered: r.calls.filter((c) => c.error === undefined).length,
    interrupted: r.calls.filter(interruptedCall).length,
    failed,
    failedWithoutRequest: failed.filter((c) => c.requests.length === 0),
    delayed,
    queued: delayed.filter(isQueued),
    backedOff: delayed.filter((c) => !isQueued(c) && isBackedOff(c)),
    failures,
    cooldownEvents,
    cooldownCauses,
    duplicateEvents,
    queuedWhy: delayed.filter(isQueued).map((c) => whyQueued(r, c)),
  };
}

const fmt = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(1) : '-');

/** The slowest calls' steps: where the time of a figure went. */
function slowest(r: ScenarioResult, n: number, by: (c: CallRecord) => number = (c) => c.ms): string {
  return [...r.calls]
    .sort((a, b) => by(b) - by(a))
    .slice(0, n)
    .map((c) => `  ${describeCall(c)}`)
    .join('\n');
}

function latencyRow(name: string, values: number[], target: string, met: (p: Percentiles) => boolean): string[] {
  const p = percentiles(values);
  return [name, String(p.n), fmt(p.p50), fmt(p.p99), fmt(p.max), target, met(p) ? 'yes' : 'NO'];
}

async function main(): Promise<void> {
  const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  const n = env('BENCH_LLM_CALLS', 200);
  const rows: string[][] = [['scenario (ms)', 'calls', 'p50', 'p99', 'max', 'target', 'met']];
  const notes: string[] = [];

  for (const rate of [1, 0.3]) {
    const r = await streamResets(n, rate);
    const ttft = r.calls.map((c) => c.ttftMs ?? Number.POSITIVE_INFINITY);
    rows.push(latencyRow(`1. stream reset before 1st chunk, ${rate * 100}% of primary streams: first token`, ttft, 'p99 ≤ 150', (p) => p.p99 <= 150));
    notes.push(`1 (${rate * 100}%): upstream ${JSON.stringify(r.upstream)}; cooldown events ${r.cooldowns.length}; failed calls ${r.calls.filter((c) => c.error).length}\n${slowest(r, 3, (c) => c.ttftMs ?? Infinity)}`);
  }

  const b = await brownout(n);
  rows.push(latencyRow('2. brownout: 10% of primary calls hang, timeoutMs 1000: call', b.calls.map((c) => c.ms), 'p99 ≤ 1100', (p) => p.p99 <= 1100));
  notes.push(`2: upstream ${JSON.stringify(b.upstream)}; failed calls ${b.calls.filter((c) => c.error).length}\n${slowest(b, 3)}`);
  const h = await brownout(n, 10, 1000, {});
  const perCall = Object.values(h.upstream).reduce((sum, k) => sum + k, 0) / h.calls.length;
  rows.push(latencyRow(`2. the same, hedging {} (${perCall.toFixed(2)} upstream requests per call): call`, h.calls.map((c) => c.ms), 'p99 ≤ 1000, ≤ 1.2 req/call', (p) => p.p99 <= 1000 && perCall <= 1.2));
  notes.push(`2 (hedging): upstream ${JSON.stringify(h.upstream)}; failed calls ${h.calls.filter((c) => c.error).length}\n${slowest(h, 3)}`);

  for (const killAt of [undefined, 20]) {
    const r = await refusedPrimary(n, killAt);
    const after = r.calls.slice((killAt ?? 0) + 1);
    const label = killAt === undefined ? 'port never listened' : `primary's server closed before call ${killAt}`;
    rows.push(latencyRow(`3. primary refuses connections (${label}): calls after the first refused`, after.map((c) => c.ms), 'max ≤ 200', (p) => p.max <= 200));
    const primaryAttempts = r.calls.reduce((sum, c) => sum + c.steps.filter((s) => s.provider === 'openai' && s.outcome === 'failed').length, 0);
    notes.push(`3 (${label}): upstream ${JSON.stringify(r.upstream)}; failed steps on the primary ${primaryAttempts}; cooldown events ${r.cooldowns.length}; failed calls ${r.calls.filter((c) => c.error).length}\n${slowest(r, 3)}`);
  }

  for (const [label, fault, p, q] of [
    ['one 529 (no retry-after) from each provider', { type: 'overloaded' }, 1, 2],
    ['500s: primary 2, secondary 2', { type: 'server_error' }, 2, 2],
  ] as const) {
    const r = await afterOneFailureEach(fault, p, q);
    rows.push(latencyRow(`4a. ${label}, then both healthy: first call`, [r.calls[0]!.ms], 'no cooldown wait', (x) => x.max < 2500));
    notes.push(`4a (${label}): upstream ${JSON.stringify(r.upstream)}\n${r.calls.map((c) => `  ${describeCall(c)}`).join('\n')}`);
  }

  const chaosCalls = env('BENCH_LLM_CHAOS_CALLS', 1000);
  const t0 = performance.now();
  const c = await chaos({ calls: chaosCalls, concurrency: 20, primaryRate: 0.3, secondaryRate: 0.15 });
  const v = judgeChaos(c);
  const wall = performance.now() - t0;
  rows.push(latencyRow(`4. chaos, ${chaosCalls} calls (20 at a time), default config, timeoutMs 1000: call`, c.calls.map((x) => x.ms), '-', () => true));

  console.log(`ResilientLLM, issue 9's Done-when figures — node ${process.version}; real openai/anthropic SDKs against the loopback mock\n`);
  console.log(formatTable(rows));
  console.log(`\n## chaos verdict (${(wall / 1000).toFixed(1)} s wall)\n`);
  console.log(
    formatTable([
      ['measure', 'value', 'target'],
      ['answered', String(v.answered), '-'],
      ['streams cut after their first token (StreamInterruptedError, by design)', String(v.interrupted), '-'],
      ['failed otherwise', String(v.failed.length), '-'],
      ['failed without any upstream request', String(v.failedWithoutRequest.length), '0'],
      [`delayed > ${CHAOS_RETRY_AFTER_MS} ms retry-after + 250 ms beyond their own hung attempts`, String(v.delayed.length), '-'],
      ['… of which parked by QUEUE_REQUEST (waited on cooldowns longer than asked)', String(v.queued.length), '0'],
      ['… of which backed off on the failed provider (the other failed or was cooling down)', String(v.backedOff.length), '-'],
      ['upstream failures per provider', JSON.stringify(v.failures), '-'],
      ['cooldown events per provider', JSON.stringify(v.cooldownEvents), '≤ failures'],
      ['cooldown events repeating another event’s failure', String(v.duplicateEvents), '0'],
      ...Object.entries(v.cooldownCauses).map(([cause, x]) => [`cooldowns after ${cause}: events / set ms / asked ms`, `${x.events} / ${x.cooldownMs.join(',')} / ${x.askedMs.join(',')}`, '-']),
      ['steps outside any call (queue replays)', String(c.orphanSteps), '-'],
    ]),
  );
  const errors = new Map<string, number>();
  for (const f of v.failed) errors.set((f.error as Error)?.name ?? '?', (errors.get((f.error as Error)?.name ?? '?') ?? 0) + 1);
  console.log(`\nfailed calls by error: ${JSON.stringify(Object.fromEntries(errors))}`);
  console.log(`\ndelayed calls (slowest 8 of ${v.delayed.length}):\n${[...v.delayed].sort((a, b) => b.ms - a.ms).slice(0, 8).map((x) => `  ${describeCall(x)}`).join('\n')}`);
  console.log(`\nparked calls and the cooldowns standing when they were parked:\n${v.queuedWhy.map((x) => `  ${x}`).join('\n')}`);
  console.log(`failed without a request (first 5):\n${v.failedWithoutRequest.slice(0, 5).map((x) => `  ${describeCall(x)}`).join('\n')}`);
  console.log(`\n## slowest calls per scenario\n\n${notes.join('\n\n')}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
