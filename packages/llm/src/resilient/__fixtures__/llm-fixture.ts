import { ResilienceManager, type ResilienceConfig } from '@rampart/core';
import type { ProviderConfig, ResilientLLMOptions } from '../../config/llm-options.js';
import type { MockProviderServer } from '../../testing/mock-provider-server.js';
import type { ChatChunk } from '../../types.js';

/** Keys the tests give the providers; none may ever appear in an error, a log or a report. */
export const KEYS = { openai: 'sk-openai-fixture-key-0001', anthropic: 'sk-ant-fixture-key-0002' } as const;

/** Quiet, fast manager settings for tests (real clock, short delays). */
export const QUIET: ResilienceConfig = {
  env: { RAMPART_LOG_LEVEL: 'silent' },
  retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
  checkIntervalMs: 50,
  queue: { maxWaitMs: 3000, retryIntervalMs: 20 },
};

/** openai → anthropic → local, all on the mock server. */
export function mockProviders(server: MockProviderServer): ProviderConfig[] {
  return [
    { name: 'openai', kind: 'openai', model: 'gpt-4o', degradedModel: 'gpt-4o-mini', apiKey: KEYS.openai, baseURL: server.openaiBaseURL('openai') },
    { name: 'anthropic', kind: 'anthropic', model: 'claude-big', degradedModel: 'claude-small', apiKey: KEYS.anthropic, baseURL: server.anthropicBaseURL('anthropic') },
    { name: 'local', kind: 'openai-compatible', model: 'llama3.1', baseURL: server.openaiBaseURL('local') },
  ];
}

/** Options of a ResilientLLM with its own quiet manager. */
export function llmOptions(server: MockProviderServer, extra: Partial<ResilientLLMOptions> = {}): ResilientLLMOptions {
  return { providers: mockProviders(server), timeoutMs: 2000, env: {}, ...extra, resilience: { ...QUIET, ...extra.resilience } };
}

/** A team manager with quiet test settings. */
export function teamManager(team: string, config: ResilienceConfig = {}): ResilienceManager {
  return new ResilienceManager(team, { ...QUIET, ...config });
}

/** Read a stream to its end or its error: the chunks, their text, and the error it ended with. */
export async function readStream(stream: AsyncIterable<ChatChunk>): Promise<{ chunks: ChatChunk[]; text: string; error: unknown }> {
  const chunks: ChatChunk[] = [];
  let error: unknown;
  try {
    for await (const c of stream) chunks.push(c);
  } catch (err) {
    error = err;
  }
  return { chunks, text: chunks.map((c) => c.text).join(''), error };
}
