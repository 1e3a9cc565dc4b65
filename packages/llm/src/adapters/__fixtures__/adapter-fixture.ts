import { systemClock } from '@rampart/core';
import type { MockProviderServer } from '../../testing/mock-provider-server.js';
import type { ProviderKind } from '../../types.js';
import type { AdapterOptions } from '../adapter-options.js';
import { AnthropicAdapter } from '../anthropic-adapter.js';
import { AttemptScope } from '../attempt-scope.js';
import { OpenAIAdapter } from '../openai-adapter.js';

/** An adapter of `kind` pointed at provider `name` of the mock server. */
export function adapterFor(server: MockProviderServer, kind: ProviderKind, name: string, overrides: Partial<AdapterOptions> = {}) {
  const base: AdapterOptions = {
    name,
    apiKey: `sk-${name}-secret-key-0123456789`,
    baseURL: kind === 'anthropic' ? server.anthropicBaseURL(name) : server.openaiBaseURL(name),
    timeoutMs: 2000,
    defaultMaxTokens: 256,
    maxRetryAfterMs: 10_000,
    headers: undefined,
    clock: systemClock,
    ...overrides,
  };
  return kind === 'anthropic' ? new AnthropicAdapter(base) : new OpenAIAdapter({ ...base, kind });
}

/** A fresh attempt on the system clock; dispose it after use. */
export function attempt(model: string, timeoutMs = 2000, signal?: AbortSignal): AttemptScope {
  return new AttemptScope('test', model, timeoutMs, systemClock, signal);
}
