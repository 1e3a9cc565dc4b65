// A replica of team `writers` (openai → anthropic, SWITCH_PROVIDER) sharing its provider cooldowns:
// `node --conditions=rampart-source --import test/support/register-swc-loader.mjs cooldown-replica.child.ts
// <redis target> <channel>` (a URL, or cluster://nodes). Prints `ready`, and `cooled <provider> <until>`
// on each cooldown. Commands: `limit <provider>` makes that provider answer 429 (retry-after 120 s);
// `write` prints `wrote <providers invoked> <answer>`; `stop` disposes the sharing, stops the manager,
// prints `stopped`.
import { currentFallback, FallbackAction, FallbackStrategy, ResilienceManager, ResourceType } from '@rampart/core';
import { shareProviderState } from '../share-provider-state.js';
import { connectTo, disconnect } from '../testing/redis-target.js';
import { serveCommands } from './replica-commands.js';

const [target, channel] = process.argv.slice(2) as [string, string];
const redis = connectTo(target);
const manager = new ResilienceManager('writers', {
  env: { RAMPART_LOG_LEVEL: 'silent' },
  providers: { [ResourceType.API_QUOTA]: ['openai', 'anthropic'] },
  fallbackStrategies: { [ResourceType.API_QUOTA]: [new FallbackAction(FallbackStrategy.SWITCH_PROVIDER)] },
});
const limited = new Set<string>();
manager.onProviderCooldown((e) => console.log(`cooled ${e.provider} ${e.until}`));
const sharing = await shareProviderState(manager, { redis, channel, onError: (m) => console.error(m) });
await manager.start();

serveCommands(
  {
    limit: (provider) => limited.add(provider),
    write: () => {
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
    },
  },
  () => sharing.dispose().then(() => manager.stop()).then(() => disconnect(redis)),
);
