import Anthropic from '@anthropic-ai/sdk';
import { ConfigError } from '@rampart/core';
import OpenAI from 'openai';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { ResilientLLM } from './resilient-llm.js';

let server: MockProviderServer;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  server = await MockProviderServer.start();
});
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  await server.close();
});

describe('ResilientLLM with clients the user configured', () => {
  it('uses them with their own key, base URL, headers and fetch, one request per attempt, and switches between them', async () => {
    const proxied: string[] = [];
    const openai = new OpenAI({
      apiKey: 'sk-own-openai-key',
      baseURL: server.openaiBaseURL('openai'),
      defaultHeaders: { 'x-team': 'marketing' },
      maxRetries: 5, // Rampart's copy makes one request per attempt
      fetch: (input, init) => {
        proxied.push(String(input));
        return fetch(input, init);
      },
    });
    const anthropic = new Anthropic({ apiKey: 'sk-ant-own-key', baseURL: server.anthropicBaseURL('anthropic'), maxRetries: 5 });
    const llm = new ResilientLLM({
      env: {},
      resilience: { env: { RAMPART_LOG_LEVEL: 'silent' } },
      providers: [
        { name: 'openai', kind: 'openai', model: 'gpt-4o', client: openai },
        { name: 'anthropic', kind: 'anthropic', model: 'claude-big', client: anthropic },
      ],
    });
    closers.push(() => llm.close());

    expect((await llm.invoke('hello')).provider).toBe('openai');
    expect(proxied).toHaveLength(1); // through the user's own fetch
    expect(server.requests[0]).toMatchObject({ provider: 'openai', retryCount: 0 });

    server.provider('openai').enqueue({ type: 'server_error' });
    const switched = await llm.invoke('again');
    expect(switched.provider).toBe('anthropic');
    expect(server.maxRetryCount).toBe(0);
    expect(server.count({ provider: 'openai' })).toBe(2); // the failed one was not retried by the SDK
    expect(inspect(llm)).not.toContain('sk-own-openai-key');
    expect(JSON.stringify(llm)).not.toContain('sk-ant-own-key');
  });

  it('rejects a client of the wrong kind, or one given with apiKey, naming the option', () => {
    const anthropic = new Anthropic({ apiKey: 'sk-ant-x', baseURL: server.anthropicBaseURL('anthropic') });
    const make = (p: Record<string, unknown>) => () => new ResilientLLM({ env: {}, providers: [{ name: 'p', kind: 'openai', model: 'm', ...p } as never] });
    expect(make({ client: anthropic })).toThrow(ConfigError);
    expect(make({ client: anthropic })).toThrow(/^providers\[0\]\.client: does not fit kind "openai"/);
    expect(make({ client: new OpenAI({ apiKey: 'sk-x' }), apiKey: 'sk-y' })).toThrow(/^providers\[0\]\.apiKey: is the client's own/);
    expect(make({ client: { not: 'a client' } })).toThrow(/providers\.0\.client|providers\[0\]\.client/);
  });
});
