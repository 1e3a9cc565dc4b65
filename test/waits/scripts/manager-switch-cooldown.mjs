// SWITCH_PROVIDER waits out a cooldown: both providers fail once, no later step could answer, so
// the step waits the 200 ms until the primary's cooldown ends and tries it again.
import { currentFallback, ResilienceManager, ResourceType } from '@rampart/core';

const manager = new ResilienceManager('waits-switch', {
  providers: { database: ['primary', 'replica1'] },
  providerCooldownMs: 200,
  fallbackStrategies: { database: [{ strategy: 'switch_provider' }] },
});
const failed = new Set();
const answer = await manager.execute(ResourceType.DATABASE, async () => {
  const server = currentFallback()?.provider ?? 'primary';
  if (!failed.has(server)) {
    failed.add(server);
    throw Object.assign(new Error(`${server}: connect ECONNREFUSED`), { code: 'ECONNREFUSED' });
  }
  return 'answered';
});
console.log(`${answer} after ${[...failed].join(' and ')} failed and a cooldown ended`);
await manager.stop();
