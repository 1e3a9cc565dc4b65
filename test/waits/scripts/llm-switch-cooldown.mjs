// ResilientLLM when every provider is cooling down: both answer 429 (retry after 300 ms), and the
// chain (SWITCH_PROVIDER only: no later step could answer sooner) waits for one to come back.
import { ResilientLLM } from '@rampart/llm';
import { startTestServer } from './support/test-server.mjs';

const rateLimited = [{ type: 'rate_limit', retryAfterMs: 300 }];
const server = await startTestServer('llm', { faults: { openai: rateLimited, local: rateLimited } });
const llm = new ResilientLLM({
  providers: [
    { name: 'openai', kind: 'openai', model: 'gpt-4o', apiKey: 'sk-waits', baseURL: `${server.url}/openai/v1` },
    { name: 'local', kind: 'openai-compatible', model: 'llama3.1', baseURL: `${server.url}/local/v1` },
  ],
  resilience: { fallbackStrategies: { api_quota: [{ strategy: 'switch_provider' }] } },
});
const steps = [];
llm.manager.onFallbackStep((step) => void steps.push(`${step.strategy} ${step.outcome}`));
try {
  const res = await llm.invoke('Write a tagline');
  // which provider answers after the wait is the chain's choice: only the wait is checked here
  console.log(`${res.text.replace(/^[^:]*: /, '')} (request ${await server.ask('count')}): ${steps.join(', ')}`);
} finally {
  await llm.close();
  await server.close();
}
