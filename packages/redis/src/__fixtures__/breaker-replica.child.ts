// A team replica sharing its provider breakers: `node --conditions=rampart-source --import
// test/support/register-swc-loader.mjs breaker-replica.child.ts <redis target> <channel> <team> <reconcileMs>`
// (a target of testing/redis-target.ts: a URL, or cluster://nodes). Prints `ready`. Commands on stdin:
// `trip <provider>` / `reset <provider>` change that provider's breaker here; `state` prints
// `state openai=<state> anthropic=<state>`; `stop` disposes the sync, stops the manager, prints
// `stopped`. Errors reported by the sync print `error <message>`.
import { shareManagerBreakers } from '../share-manager-breakers.js';
import { connectTo, disconnect } from '../testing/redis-target.js';
import { serveCommands } from './replica-commands.js';
import { ReplicaTeam } from './replica-team.js';

const [target, channel, team, reconcileMs] = process.argv.slice(2) as [string, string, string, string];
const redis = connectTo(target);
const replica = new ReplicaTeam(team);
const breaker = (provider: string) => replica.manager.circuitBreakerSource().get(`${team}/api_quota/${provider}`)!;
const sync = await shareManagerBreakers(replica.manager, {
  redis,
  channel,
  reconcileIntervalMs: Number(reconcileMs),
  onError: (message) => console.log(`error ${message}`),
});
await replica.manager.start();

serveCommands(
  {
    trip: (provider) => breaker(provider).trip(),
    reset: (provider) => breaker(provider).reset(),
    state: () => console.log(`state openai=${breaker('openai').state} anthropic=${breaker('anthropic').state}`),
  },
  () => sync.dispose().then(() => replica.manager.stop()).then(() => disconnect(redis)),
);
