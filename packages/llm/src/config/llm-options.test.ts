import { ConfigError } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import { resolveLlmOptions, type ResilientLLMOptions } from './llm-options.js';

const env = { OPENAI_API_KEY: 'sk-env-openai-1234', ANTHROPIC_API_KEY: 'sk-ant-env-5678' };
const providers: ResilientLLMOptions['providers'] = [
  { name: 'openai', kind: 'openai', model: 'gpt-4o', degradedModel: 'gpt-4o-mini' },
  { name: 'anthropic', kind: 'anthropic', model: 'claude-big' },
  { name: 'local', kind: 'openai-compatible', model: 'llama3.1', baseURL: 'http://127.0.0.1:11434/v1' },
];

function configError(options: unknown): ConfigError {
  try {
    resolveLlmOptions(options as ResilientLLMOptions);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveLlmOptions', () => {
  it('fills defaults, reads keys from the environment, and freezes a new object', () => {
    const input: ResilientLLMOptions = { providers, env };
    const o = resolveLlmOptions(input);
    expect(o).toMatchObject({ team: 'llm', routing: 'order', timeoutMs: 60_000, maxRetryAfterMs: 60_000, cooldownMs: 30_000, defaultMaxTokens: 1024, cache: true, streamResume: 'error' });
    expect(o.providers.map((p) => [p.name, p.apiKey, p.degradedModel, p.timeoutMs, p.weight])).toEqual([
      ['openai', 'sk-env-openai-1234', 'gpt-4o-mini', 60_000, 1],
      ['anthropic', 'sk-ant-env-5678', 'claude-big', 60_000, 1],
      ['local', 'not-needed', 'llama3.1', 60_000, 1],
    ]);
    expect(Object.isFrozen(o)).toBe(true);
    expect(Object.isFrozen(o.providers[0])).toBe(true);
    expect(input).toEqual({ providers, env });
    expect(providers[0]).not.toHaveProperty('apiKey');
  });

  it('lets explicit keys and per-provider settings win', () => {
    const o = resolveLlmOptions({ env, timeoutMs: 5000, providers: [{ name: 'x', kind: 'openai', model: 'm', apiKey: 'sk-own', timeoutMs: 100, weight: 3 }] });
    expect(o.providers[0]).toMatchObject({ apiKey: 'sk-own', timeoutMs: 100, weight: 3 });
  });

  it.each([
    [{ providers: [] }, 'providers', /at least one/],
    [{ providers: [{ ...providers[0], kind: 'gemini' }] }, 'providers[0].kind', /must be one of "openai", "anthropic", "openai-compatible", got "gemini"/],
    [{ providers: [providers[0], { ...providers[1], name: 'openai' }] }, 'providers[1].name', /duplicate/],
    [{ providers: [{ name: 'l', kind: 'openai-compatible', model: 'm' }] }, 'providers[0].baseURL', /required/],
    [{ providers: [{ ...providers[2], baseURL: 'not a url' }] }, 'providers[0].baseURL', /URL/],
    [{ providers, timeoutMs: -1 }, 'timeoutMs', /must be greater than 0, got -1/],
    [{ providers, routing: 'random' }, 'routing', /must be one of/],
    [{ providers, streamResume: 'resume' }, 'streamResume', /must be one of "error", "continue", got "resume"/],
    [{ providers, bogus: 1 }, 'bogus', /unknown option; known options: /],
    [{ providers, timeout: 5 }, 'timeout', /unknown option; did you mean timeoutMs\?/],
    [{ providers: [{ ...providers[0], temperature: 0 }] }, 'providers[0].temperature', /unknown option/],
    [{ providers, quotaThresholds: { warn: 5 } }, 'quotaThresholds.warn', /unknown option; known options: critical, degraded/],
    [{ providers: [{ ...providers[0], pricing: { inputPerMillionUsd: 1, outputPerMillionUsd: 2, input: 1 } }] }, 'providers[0].pricing.input', /unknown option/],
    [{ providers, timeoutMs: '5' }, 'timeoutMs', /must be a number, got "5"/],
    [{ providers, manager: {} }, 'manager', /ResilienceManager/],
  ])('rejects %j at %s', (options, path, message) => {
    const err = configError({ env, ...options });
    expect(err.path).toBe(path);
    expect(err.message).toMatch(message);
  });

  it('names the missing key and its variable, and never puts a key value in an error', () => {
    const missing = configError({ env: {}, providers: [providers[1]] });
    expect(missing.path).toBe('providers[0].apiKey');
    expect(missing.message).toMatch(/ANTHROPIC_API_KEY/);
    const badKey = configError({ env, providers: [{ ...providers[0], apiKey: 12345 }] });
    expect(badKey.path).toBe('providers[0].apiKey');
    expect(badKey.value).toBe('[redacted]');
    const badHeader = configError({ env, providers: [{ ...providers[0], headers: { authorization: 42 } }] });
    expect(badHeader.value).toBe('[redacted]');
    expect(JSON.stringify(badHeader)).not.toContain('42');
    const misspelt = configError({ env, providers: [{ ...providers[0], apikey: 'sk-misspelt-9999' }] });
    expect(misspelt.message).toBe('providers[0].apikey: unknown option; did you mean apiKey?');
    expect(JSON.stringify(misspelt)).not.toContain('sk-misspelt');
    expect(configError({ env, providers: [{ ...providers[0], apiKey: 12345 }] }).message).toBe('providers[0].apiKey: must be a string, got a number');
  });
});
