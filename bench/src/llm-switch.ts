// Time a provider switch adds (primary 429 → secondary answers) beyond the two HTTP calls themselves.
// Real SDKs against @rampart/llm/testing's loopback server; medians over interleaved iterations.
import Anthropic from '@anthropic-ai/sdk';
import { ResourceType } from '@rampart/core';
import { ResilientLLM } from '@rampart/llm';
import { startMockProviderServer } from '@rampart/llm/testing';
import OpenAI from 'openai';
import { formatTable } from './harness.js';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn().catch(() => undefined);
  return performance.now() - t0;
}

export async function benchLlmSwitch(iterations = 200): Promise<string> {
  const server = await startMockProviderServer();
  server.provider('openai').setFaultRate(1, [{ type: 'rate_limit', retryAfterSeconds: 1 }]);
  const rawOpenai = new OpenAI({ apiKey: 'sk-bench', baseURL: server.openaiBaseURL('openai'), maxRetries: 0 });
  const rawAnthropic = new Anthropic({ apiKey: 'sk-ant-bench', baseURL: server.anthropicBaseURL('anthropic'), maxRetries: 0 });
  const llm = new ResilientLLM({
    providers: [
      { name: 'openai', kind: 'openai', model: 'gpt-4o', apiKey: 'sk-bench', baseURL: server.openaiBaseURL('openai') },
      { name: 'anthropic', kind: 'anthropic', model: 'claude-sonnet-4-6', apiKey: 'sk-ant-bench', baseURL: server.anthropicBaseURL('anthropic') },
    ],
    cache: false,
    quotaMonitors: false,
    resilience: { env: { RAMPART_LOG_LEVEL: 'silent' } },
  });
  const direct = new ResilientLLM({
    providers: [{ name: 'anthropic', kind: 'anthropic', model: 'claude-sonnet-4-6', apiKey: 'sk-ant-bench', baseURL: server.anthropicBaseURL('anthropic') }],
    cache: false,
    quotaMonitors: false,
    resilience: { env: { RAMPART_LOG_LEVEL: 'silent' } },
  });
  const raw429: number[] = [];
  const rawOk: number[] = [];
  const switched: number[] = [];
  const plain: number[] = [];
  const body = (i: number) => ({ model: 'x', max_tokens: 16, messages: [{ role: 'user' as const, content: `prompt ${i}` }] });
  try {
    for (let i = 0; i < iterations + 20; i++) {
      const a = await time(() => rawOpenai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: `prompt ${i}` }] }));
      const b = await time(() => rawAnthropic.messages.create({ ...body(i), model: 'claude-sonnet-4-6' }));
      // Let the primary be tried again on every iteration (its cooldown is what normally skips it).
      llm.manager.reportProviderSuccess(ResourceType.API_QUOTA, 'openai');
      let provider = '';
      const c = await time(async () => {
        provider = (await llm.invoke(`prompt ${i}`)).provider;
      });
      const d = await time(() => direct.invoke(`prompt ${i}`));
      if (provider !== 'anthropic') throw new Error(`expected the secondary to answer, got "${provider}"`);
      if (i >= 20) {
        raw429.push(a);
        rawOk.push(b);
        switched.push(c);
        plain.push(d);
      }
    }
  } finally {
    await llm.close();
    await direct.close();
    await server.close();
  }
  const m = { raw429: median(raw429), rawOk: median(rawOk), switched: median(switched), plain: median(plain) };
  const added = m.switched - m.raw429 - m.rawOk;
  return formatTable([
    ['case (median of ' + iterations + ')', 'ms'],
    ['raw SDK call answered 429 (openai)', m.raw429.toFixed(3)],
    ['raw SDK call answered 200 (anthropic)', m.rawOk.toFixed(3)],
    ['ResilientLLM, one healthy provider', m.plain.toFixed(3)],
    ['ResilientLLM, 429 → switch → answer', m.switched.toFixed(3)],
    ['time added by the switch (target < 2 ms)', added.toFixed(3)],
  ]);
}
