import { ConfigError, FallbackAction, FallbackStrategy, ResourceType } from '@rampart/core';
import { capturingLogger, everythingOf } from '@rampart/core/testing';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderConfig, ResilientLLMOptions } from '../config/llm-options.js';
import { startEchoProvider, type EchoProvider } from './__fixtures__/echo-provider.js';
import { QUIET } from './__fixtures__/llm-fixture.js';
import { ResilientLLM } from './resilient-llm.js';

const SECRETS = { openaiKey: 'key-openai-1a2b3c4d', anthropicKey: 'key-anthropic-5e6f7a8b', custom: 'hdr-custom-9c0d1e2f', bearer: 'tok-bearer-3a4b5c6d', query: 'qry-key-7e8f9a0b' } as const;
let echo: EchoProvider;
const closers: Array<() => Promise<void>> = [];

beforeEach(async () => {
  echo = await startEchoProvider();
});
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await echo.close();
});

function providers(baseURL: string): ProviderConfig[] {
  return [
    { name: 'gateway', kind: 'openai-compatible', model: 'm', apiKey: SECRETS.openaiKey, baseURL: `${baseURL}/v1?api-key=${SECRETS.query}`, headers: { 'x-custom': SECRETS.custom, 'x-proxy-authorization': `Bearer ${SECRETS.bearer}` } },
    { name: 'claude', kind: 'anthropic', model: 'c', apiKey: SECRETS.anthropicKey, baseURL, headers: { 'x-custom': SECRETS.custom } },
  ];
}

/** An LLM whose chain retries once, switches, and gives up (no waiting for a cooldown), logging at debug. */
function llm(baseURL = echo.url): { llm: ResilientLLM; lines: string[] } {
  const { logger, lines } = capturingLogger();
  const chain = [new FallbackAction(FallbackStrategy.RETRY, { maxAttempts: 2, backoff: 'fixed', baseDelayMs: 1 }), new FallbackAction(FallbackStrategy.SWITCH_PROVIDER)];
  const options: ResilientLLMOptions = { providers: providers(baseURL), timeoutMs: 2000, env: {}, resilience: { ...QUIET, logger, fallbackStrategies: { [ResourceType.API_QUOTA]: chain } } };
  const l = new ResilientLLM(options);
  closers.push(() => l.close());
  return { llm: l, lines };
}

function expectNoSecret(text: string): void {
  for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
}

describe('ResilientLLM never lets a configured secret out', () => {
  it.each([500, 401])('a provider echoing every request header in its %i error: no key or header value in logs, errors or the report', async (status) => {
    echo.status = status;
    const { llm: l, lines } = llm();
    const error = await l.invoke('hello').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.join('\n')).toContain('received headers'); // the echo did reach the logs, redacted
    const report = await l.manager.getHealthReport();
    expectNoSecret([everythingOf(error), lines.join('\n'), JSON.stringify(report), inspect(report, { depth: 12 })].join('\n'));
  });

  it('logs a provider failure with its class, message and stack', async () => {
    const { llm: l, lines } = llm();
    await l.invoke('hello').catch(() => undefined);
    const errs = lines.map((line) => (JSON.parse(line) as { err?: { type: string; message: string; stack: string } }).err).filter((e) => e !== undefined);
    const server = errs.find((e) => e.type === 'LlmServerError');
    expect(server?.message).toMatch(/^gateway: HTTP 500 api_error: upstream rejected the request to \/v1\S*api-key=\[redacted\]/);
    expect(server?.stack).toMatch(/^LlmServerError: gateway: HTTP 500[^\n]*\n\s+at /);
  });

  it('a connection failure: no key or header value in the error or the logs', async () => {
    const closed = await startEchoProvider();
    await closed.close(); // nothing listens there any more
    const { llm: l, lines } = llm(closed.url);
    const error = await l.invoke('hello').catch((e: unknown) => e);
    expect(everythingOf(error)).toMatch(/connection|ECONNREFUSED/i);
    expectNoSecret(everythingOf(error) + lines.join('\n'));
  });

  it('inspect and JSON of the LLM and its manager show no key or header value', () => {
    const { llm: l } = llm();
    expectNoSecret([String(l), JSON.stringify(l), inspect(l, { depth: 12, showHidden: true }), inspect(l.manager, { depth: 12, showHidden: true }), JSON.stringify(l.manager)].join('\n'));
  });

  it('rejects a baseURL with user info with a ConfigError that shows neither password', () => {
    const bad = [{ name: 'x', kind: 'openai-compatible', model: 'm', baseURL: `http://admin:${SECRETS.bearer}@127.0.0.1:1/v1` }] as ProviderConfig[];
    const error = (() => {
      try {
        return new ResilientLLM({ providers: bad, env: {} });
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.path).toBe('providers[0].baseURL');
    expect(error.message).toMatch(/must not contain credentials/);
    expectNoSecret(everythingOf(error) + String(error.value));
  });

  it.each([
    ['a bad apiKey', { apiKey: '' }, 'providers[0].apiKey'],
    ['a bad header', { headers: { 'x-custom': 5 } }, 'providers[0].headers.x-custom'],
    ['an unknown option beside the key', { apiKey: SECRETS.openaiKey, headers: { 'x-custom': SECRETS.custom }, retries: 3 }, 'providers[0].retries'],
  ])('%s: the ConfigError names %s and holds no secret', (_label, extra, path) => {
    const provider = { name: 'x', kind: 'openai', model: 'm', ...extra } as unknown as ProviderConfig;
    const error = (() => {
      try {
        return new ResilientLLM({ providers: [provider], env: { OPENAI_API_KEY: SECRETS.openaiKey } });
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.path).toBe(path);
    expectNoSecret(everythingOf(error) + inspect(error.value) + JSON.stringify(error.value));
  });
});
