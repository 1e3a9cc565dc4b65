// ResilientLLM retries: the provider answers 429 (retry after 100 ms), then 500, then the answer.
import { ResilientLLM } from '@rampart/llm';
import { startTestServer } from './support/test-server.mjs';

const server = await startTestServer('llm', { faults: { openai: [{ type: 'rate_limit', retryAfterMs: 100 }, { type: 'server_error' }] } });
const llm = new ResilientLLM({
  providers: [{ name: 'openai', kind: 'openai', model: 'gpt-4o', apiKey: 'sk-waits', baseURL: `${server.url}/openai/v1` }],
  resilience: { retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 100 } },
});
try {
  const res = await llm.invoke('Write a tagline');
  console.log(`${res.text} (request ${await server.ask('count')})`);
} finally {
  await llm.close();
  await server.close();
}
