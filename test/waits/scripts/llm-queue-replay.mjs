// ResilientLLM's QUEUE_REQUEST: the provider fails five times, so the default chain (retry, switch,
// degrade, cache) cannot answer and queues the call; a replay of the queue, 200 ms apart, answers. The
// sixth request answers whether DEGRADE_SERVICE sent the fifth (its cooldown had ended) or a replay did.
import { ResilientLLM } from '@rampart/llm';
import { startTestServer } from './support/test-server.mjs';

const server = await startTestServer('llm', { faults: { openai: Array.from({ length: 5 }, () => ({ type: 'server_error' })) } });
const llm = new ResilientLLM({
  providers: [{ name: 'openai', kind: 'openai', model: 'gpt-4o', apiKey: 'sk-waits', baseURL: `${server.url}/openai/v1` }],
  cooldownMs: 200,
  resilience: { retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 50 }, providerCooldownMs: 200, queue: { retryIntervalMs: 200 } },
});
const steps = [];
// (DEGRADE_SERVICE is skipped or fails depending on whether the 200 ms cooldown has ended by then: not shown)
llm.manager?.onFallbackStep?.((s) => s.strategy !== 'degrade_service' && steps.push(`${s.strategy} ${s.outcome}`));
try {
  const res = await llm.invoke('Write a tagline');
  console.log(`${res.text} (request ${await server.ask('count')})`, steps.join(', '));
} finally {
  await llm.close();
  await server.close();
}
