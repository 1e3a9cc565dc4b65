// Calls of a ResilientLLM against the loopback mock, recorded one by one for bench/src/llm-done-when.ts:
// each call's latency, first token, answer or error, the fallback steps the chain reported in its
// async context, and the upstream requests the server received for it (matched by its prompt).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FallbackStepEvent, ProviderCooldownEvent, ResilienceManager } from '@rampart/core';
import { ResilientLLM, type ProviderConfig, type ResilientLLMOptions } from '@rampart/llm';
import { MockProviderServer } from '@rampart/llm/testing';

/** One fallback step of a call, with when it was reported (ms since the call started). */
export interface StepRecord {
  readonly atMs: number;
  readonly strategy: string;
  readonly outcome: string;
  readonly provider: string | undefined;
  readonly error: string | undefined;
}

/** One call: how long it took, its first token (streams), who answered or why it failed, its steps. */
export interface CallRecord {
  readonly index: number;
  readonly startedAt: number;
  ms: number;
  ttftMs: number | undefined;
  provider: string | undefined;
  error: unknown;
  readonly steps: StepRecord[];
  /** Upstream requests the server received for this call (by the call's prompt), with their outcomes. */
  requests: string[];
}

export interface Percentiles {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles. */
export function percentiles(values: readonly number[]): Percentiles {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
  return { n: s.length, p50: at(50), p99: at(99), max: s.at(-1) ?? Number.NaN };
}

/** An error's name; an aggregate's with the names of what it holds (`RetryExhaustedError(LlmServerError,…)`). */
export function errorName(err: unknown): string {
  const name = (err as Error | undefined)?.name ?? String(err);
  const inner = (err as { errors?: unknown }).errors;
  return Array.isArray(inner) ? `${name}(${inner.map(errorName).join(',')})` : name;
}

/** Per call, the fallback steps the chain reported in that call's async context (AsyncLocalStorage). */
export class CallRecorder {
  readonly #als = new AsyncLocalStorage<CallRecord>();
  /** Steps fired outside any recorded call (a queue replay runs in the queue's context). */
  readonly orphanSteps: FallbackStepEvent[] = [];
  readonly #sub: { dispose(): void };

  constructor(manager: ResilienceManager) {
    this.#sub = manager.onFallbackStep((e) => {
      const call = this.#als.getStore();
      if (!call) return void this.orphanSteps.push(e);
      const error = e.error === undefined ? undefined : errorName(e.error);
      call.steps.push({ atMs: performance.now() - call.startedAt, strategy: e.strategy, outcome: e.outcome, provider: e.provider, error });
    });
  }

  async record(index: number, fn: (call: CallRecord) => Promise<string>): Promise<CallRecord> {
    const call: CallRecord = { index, startedAt: performance.now(), ms: 0, ttftMs: undefined, provider: undefined, error: undefined, steps: [], requests: [] };
    await this.#als.run(call, async () => {
      try {
        call.provider = await fn(call);
      } catch (err) {
        call.error = err;
      }
    });
    call.ms = performance.now() - call.startedAt;
    return call;
  }

  dispose(): void {
    this.#sub.dispose();
  }
}

/** The prompt of call `i`: the server's record of a request names the call it belongs to. */
const prompt = (i: number) => `q${i}x tell me`;

/** Stream call `i` to its end; the first non-empty chunk sets `ttftMs`. Returns the provider. */
async function streamCall(llm: ResilientLLM, call: CallRecord): Promise<string> {
  let provider = '';
  for await (const chunk of llm.stream(prompt(call.index))) {
    if (call.ttftMs === undefined && chunk.text !== '') call.ttftMs = performance.now() - call.startedAt;
    provider = chunk.provider;
  }
  return provider;
}

const invokeCall = async (llm: ResilientLLM, call: CallRecord) => (await llm.invoke(prompt(call.index))).provider;

/** Attach each request the server received to the call whose prompt it carries. */
function attachRequests(server: MockProviderServer, calls: readonly CallRecord[]): void {
  const byIndex = new Map(calls.map((c) => [c.index, c]));
  for (const r of server.requests) {
    const m = /q(\d+)x/.exec(JSON.stringify(r.body));
    if (m) byIndex.get(Number(m[1]))?.requests.push(`${r.provider}:${r.outcome}`);
  }
}

/** openai (primary) → anthropic, both on `server` unless the primary's base URL is given. */
export function twoProviders(server: MockProviderServer, primaryBaseURL = server.openaiBaseURL('openai')): ProviderConfig[] {
  return [
    { name: 'openai', kind: 'openai', model: 'gpt-4o', apiKey: 'sk-done-when', baseURL: primaryBaseURL },
    { name: 'anthropic', kind: 'anthropic', model: 'claude-big', apiKey: 'sk-ant-done-when', baseURL: server.anthropicBaseURL('anthropic') },
  ];
}

/** A ResilientLLM with its own manager on the default config (logging silenced). */
export function doneWhenLlm(providers: ProviderConfig[], extra: Partial<ResilientLLMOptions> = {}): ResilientLLM {
  return new ResilientLLM({ providers, env: {}, ...extra, resilience: { env: { RAMPART_LOG_LEVEL: 'silent' }, ...extra.resilience } });
}

let warmed: Promise<void> | undefined;

/** Healthy calls of both kinds through both SDKs, on a server and LLM of their own. */
async function warmUp(): Promise<void> {
  const server = await MockProviderServer.start();
  for (const providers of [twoProviders(server), twoProviders(server).reverse()]) {
    const llm = doneWhenLlm(providers);
    try {
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          if (i % 2) return void (await llm.invoke('warm up'));
          for await (const _chunk of llm.stream('warm up'));
        }),
      );
    } finally {
      await llm.close();
    }
  }
  await server.close();
}

export interface ScenarioResult {
  calls: CallRecord[];
  /** Requests the server received, per provider and outcome (`openai:reset`). */
  upstream: Record<string, number>;
  cooldowns: ProviderCooldownEvent[];
  /** When each cooldown event fired (performance.now()). */
  cooldownAt: number[];
  orphanSteps: number;
}

/**
 * Run `calls` calls, `concurrency` at a time, on a fresh LLM; `kind(i)` says whether call i streams.
 * `during(i)` runs before call i starts (to kill a server mid-run). `instrument` sees the manager first.
 */
export async function runScenario(o: {
  server: MockProviderServer;
  llm: ResilientLLM;
  calls: number;
  concurrency?: number;
  stream: (i: number) => boolean;
  before?: (i: number) => Promise<void> | void;
}): Promise<ScenarioResult> {
  const manager = o.llm.manager;
  const recorder = new CallRecorder(manager);
  const cooldowns: ProviderCooldownEvent[] = [];
  const cooldownAt: number[] = [];
  const sub = manager.onProviderCooldown((e) => {
    cooldowns.push(e);
    cooldownAt.push(performance.now());
  });
  const calls: CallRecord[] = [];
  // neither the process's first requests (fetch loads undici, the SDKs warm up) nor the manager's
  // first checks are a call's latency
  await (warmed ??= warmUp());
  await manager.start();
  let next = 0;
  const worker = async () => {
    while (next < o.calls) {
      const i = next++;
      await o.before?.(i);
      calls[i] = await recorder.record(i, (call) => (o.stream(i) ? streamCall(o.llm, call) : invokeCall(o.llm, call)));
    }
  };
  try {
    await Promise.all(Array.from({ length: o.concurrency ?? 1 }, worker));
  } finally {
    sub.dispose();
    recorder.dispose();
  }
  attachRequests(o.server, calls);
  const upstream: Record<string, number> = {};
  for (const r of o.server.requests) upstream[`${r.provider}:${r.outcome}`] = (upstream[`${r.provider}:${r.outcome}`] ?? 0) + 1;
  return { calls, upstream, cooldowns, cooldownAt, orphanSteps: recorder.orphanSteps.length };
}

/** The steps of a call as one line: `+0ms RETRY failed openai LlmConnectionError → …`. */
export function describeCall(c: CallRecord): string {
  const steps = c.steps.map((s) => `+${s.atMs.toFixed(0)}ms ${s.strategy} ${s.outcome}${s.provider ? ` ${s.provider}` : ''}${s.error ? ` ${s.error}` : ''}`);
  const end = c.error === undefined ? `answered by ${c.provider}` : `failed: ${(c.error as Error)?.name ?? String(c.error)}: ${(c.error as Error)?.message ?? ''}`;
  return `call ${c.index} ${c.ms.toFixed(0)} ms [${c.requests.join(', ')}] ${steps.join(' → ')} → ${end}`;
}
