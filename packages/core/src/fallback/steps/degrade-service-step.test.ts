import { afterEach, describe, expect, it } from 'vitest';
import { FallbackStrategy, ResourceType } from '../../resource/resource-types.js';
import { httpError, SimulatedProviders, testManager } from '../../manager/__fixtures__/manager-fixtures.js';
import type { ResilienceManager } from '../../manager/resilience-manager.js';
import { FallbackAction } from '../fallback-action.js';
import { FallbackExhaustedError } from '../fallback-exhausted-error.js';

const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

function setup(providerCooldownMs?: number) {
  const t = testManager({
    ...(providerCooldownMs === undefined ? {} : { providerCooldownMs }),
    providers: { api_quota: ['openai', 'anthropic'] },
    fallbackStrategies: {
      api_quota: [new FallbackAction(FallbackStrategy.SWITCH_PROVIDER), new FallbackAction(FallbackStrategy.DEGRADE_SERVICE)],
    },
  });
  managers.push(t.manager);
  const llm = new SimulatedProviders('openai');
  const ask = (input: string) => t.manager.execute(ResourceType.API_QUOTA, llm.call, { key: 'ask', args: [input] });
  return { ...t, llm, ask };
}

describe('DEGRADE_SERVICE', () => {
  it('never degrades onto a provider this call ruled out with a provider-scoped error (a rejected key)', async () => {
    const { llm, ask } = setup();
    llm.fail('openai', httpError(401));
    llm.fail('anthropic', httpError(401));
    const err = await ask('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FallbackExhaustedError);
    expect(llm.trail()).toEqual(['openai/plain', 'anthropic/switch_provider']);
  });

  it('degrades on a provider that failed transiently', async () => {
    const { llm, ask } = setup(0);
    llm.fail('openai', [httpError(503)]);
    llm.fail('anthropic', [httpError(503)]);
    await expect(ask('x')).resolves.toBe('openai/1:x');
    expect(llm.trail()).toEqual(['openai/plain', 'anthropic/switch_provider', 'openai/degrade_service']);
  });
});
