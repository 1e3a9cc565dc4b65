// A replica of team `writers` (openai → anthropic, SWITCH_PROVIDER) sharing its provider cooldowns:
// `node --conditions=rampart-source --import test/support/register-swc-loader.mjs cooldown-replica.child.ts
// <redisUrl> <channel>`. Prints `ready`, and `cooled <provider> <until>` on each cooldown. Commands:
// `limit <provider>` makes that provider answer 429 (retry-after 120 s); `write` prints
// `wrote <providers invoked> <answer>`; `stop` disposes the sharing, stops the manager, prints `stopped`.
import { createInterface } from 'node:readline';
import { currentFallback, FallbackAction, FallbackStrategy, ResilienceManager, ResourceType } from '@rampart/core';
import { shareProviderState } from '../share-provider-state.js';

const [redisUrl, channel] = process.argv.slice(2) as [string, string];
const manager = new ResilienceManager('writers', {
  env: { RAMPART_LOG_LEVEL: 'silent' },
  providers: { [ResourceType.API_QUOTA]: ['openai', 'anthropic'] },
  fallbackStrategies: { [ResourceType.API_QUOTA]: [new FallbackAction(FallbackStrategy.SWITCH_PROVIDER)] },
});
const limited = new Set<string>();
manager.onProviderCooldown((e) => console.log(`cooled ${e.provider} ${e.until}`));
const sharing = await shareProviderState(manager, { redis: redisUrl, channel, onError: (m) => console.error(m) });
await manager.start();

const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  const [command, provider] = line.split(' ') as [string, string];
  if (command === 'limit') limited.add(provider);
  else if (command === 'write') {
    const invoked: string[] = [];
    manager
      .execute(ResourceType.API_QUOTA, async () => {
        const p = currentFallback()?.provider ?? 'openai';
        invoked.push(p);
        if (limited.has(p)) throw Object.assign(new Error(`${p}: 429`), { status: 429, headers: { 'retry-after': '120' } });
        return p;
      })
      .then(
        (answer) => console.log(`wrote ${invoked.join(',')} ${answer}`),
        (err: unknown) => console.log(`wrote ${invoked.join(',')} error:${(err as Error).name}`),
      );
  } else if (command === 'stop') {
    commands.close();
    void sharing
      .dispose()
      .then(() => manager.stop())
      .then(() => console.log('stopped'));
  }
});
console.log('ready');
