// The demo's schedule of failures, shared by `npm run demo` (main.ts) and the example's test.
import type { FallbackStepEvent, HealthReport } from '@rampart/core';
import type { ProviderConfig } from '@rampart/llm';
import { startMockProviderServer, type MockProviderServer } from '@rampart/llm/testing';
import { MarketingTeam } from './marketing-team.js';

export interface DemoLine {
  step: string;
  answeredBy: string;
  detail: string;
}

export interface DemoResult {
  lines: DemoLine[];
  report: HealthReport;
  simulated: boolean;
}

/** Which strategy answered a call: the last 'answered' fallback step, else the plain first attempt. */
function answeredBy(steps: FallbackStepEvent[]): string {
  const answered = [...steps].reverse().find((s) => s.outcome === 'answered');
  return answered ? `${answered.strategy}${answered.provider ? ` → ${answered.provider}` : ''}` : 'primary';
}

function simulatedProviders(server: MockProviderServer): ProviderConfig[] {
  return [
    { name: 'openai', kind: 'openai', model: 'gpt-4o', degradedModel: 'gpt-4o-mini', baseURL: server.openaiBaseURL('openai'), apiKey: 'sk-demo-openai', timeoutMs: 2_000 },
    { name: 'anthropic', kind: 'anthropic', model: 'claude-sonnet-4-6', degradedModel: 'claude-haiku-4-5', baseURL: server.anthropicBaseURL('anthropic'), apiKey: 'sk-ant-demo', timeoutMs: 2_000 },
    { name: 'local', kind: 'openai-compatible', model: 'llama3.1', baseURL: server.openaiBaseURL('local'), apiKey: 'local', timeoutMs: 2_000 },
  ];
}

function realProviders(env: NodeJS.ProcessEnv): ProviderConfig[] {
  const providers: ProviderConfig[] = [];
  if (env.OPENAI_API_KEY) providers.push({ name: 'openai', kind: 'openai', model: 'gpt-4o', degradedModel: 'gpt-4o-mini' });
  if (env.ANTHROPIC_API_KEY) providers.push({ name: 'anthropic', kind: 'anthropic', model: 'claude-sonnet-4-6', degradedModel: 'claude-haiku-4-5' });
  return providers;
}

/**
 * Run the MarketingTeam through a schedule of failures. Without API keys (or with `simulate`), the
 * providers are a local mock server speaking the OpenAI and Anthropic wire formats, driven by the
 * real SDKs; with OPENAI_API_KEY/ANTHROPIC_API_KEY set, the same calls go to the real providers and
 * only the memory-pressure part is simulated.
 */
export async function runDemo(options: { log?: (line: DemoLine) => void; simulate?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<DemoResult> {
  const env = options.env ?? process.env;
  const simulate = options.simulate ?? !(env.OPENAI_API_KEY || env.ANTHROPIC_API_KEY);
  const server = simulate ? await startMockProviderServer() : undefined;
  const team = new MarketingTeam(server ? simulatedProviders(server) : realProviders(env));
  const lines: DemoLine[] = [];
  let steps: FallbackStepEvent[] = [];
  const sub = team.resilience.onFallbackStep((s) => steps.push(s));

  const call = async <T>(step: string, fn: () => Promise<T>, describe: (value: T) => string): Promise<void> => {
    steps = [];
    let line: DemoLine;
    try {
      const value = await fn();
      line = { step, answeredBy: answeredBy(steps), detail: describe(value) };
    } catch (err) {
      line = { step, answeredBy: 'failed', detail: `${(err as Error).name}: ${(err as Error).message}` };
    }
    lines.push(line);
    options.log?.(line);
  };
  const content = (r: { provider: string; model: string; cached: boolean; degraded: boolean; text: string }) => {
    const who = `${r.provider}/${r.model}`;
    const text = r.text.startsWith(`${who}: `) ? r.text.slice(who.length + 2) : r.text; // the mock server echoes who answered
    return `${who}${r.cached ? ' (cache)' : ''}${r.degraded ? ' (degraded)' : ''}: ${text.slice(0, 48)}`;
  };

  try {
    await team.start();
    await call('1. normal call', () => team.generateContent('Write a tagline for the spring sale'), content);

    if (server) {
      // OpenAI's quota runs out: 429 with retry-after, every time, until the window resets.
      server.provider('openai').setFaultRate(1, [{ type: 'rate_limit', retryAfterSeconds: 60 }]);
      await call('2. openai quota exhausted (429)', () => team.generateContent('Draft three subject lines'), content);

      // Anthropic overloads too (529 overloaded_error): the team falls through to the local model.
      server.provider('anthropic').setFaultRate(1, [{ type: 'overloaded' }]);
      await call('3. anthropic overloaded (529)', () => team.generateContent('Write a product description'), content);

      // Every provider down: an identical earlier request is answered from the cache.
      server.provider('local').setFaultRate(1, [{ type: 'unavailable' }]);
      await call('4. all providers down, repeated prompt', () => team.generateContent('Write a tagline for the spring sale'), content);

      // A new prompt with every provider down is queued, and answered once a provider recovers.
      const queued = team.generateContent('Plan a launch-week social post');
      setTimeout(() => server.provider('local').setFaultRate(0, []), 300).unref();
      await call('5. all down, new prompt (queued)', () => queued, content);
    }

    // Memory pressure: the MEMORY chain answers from cache, then degrades.
    const brief = 'Spring sale campaign across email, social and search with three audience segments';
    await call('6. memory healthy', () => team.summarizeCampaign(brief), (s) => s);
    team.memory.usage = 97;
    await team.resilience.checkNow();
    await call('7. memory critical, same brief', () => team.summarizeCampaign(brief), (s) => s);
    await call('8. memory critical, new brief', () => team.summarizeCampaign('Autumn catalogue teaser for loyal customers'), (s) => s);
    team.memory.usage = 50;
    await team.resilience.checkNow();

    const report = await team.resilience.getHealthReport();
    return { lines, report, simulated: simulate };
  } finally {
    sub.dispose();
    await team.stop();
    await server?.close();
  }
}
