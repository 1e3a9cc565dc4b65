// A team replica sharing its provider breakers: `node --conditions=rampart-source --import
// test/support/register-swc-loader.mjs breaker-replica.child.ts <redisUrl> <channel> <team> <reconcileMs>`.
// Prints `ready`. Commands on stdin: `trip <provider>` / `reset <provider>` change that provider's
// breaker here; `state` prints `state openai=<state> anthropic=<state>`; `stop` disposes the sync,
// stops the manager, prints `stopped`. Errors reported by the sync print `error <message>`.
import { createInterface } from 'node:readline';
import { shareManagerBreakers } from '../share-manager-breakers.js';
import { ReplicaTeam } from './replica-team.js';

const [redisUrl, channel, team, reconcileMs] = process.argv.slice(2) as [string, string, string, string];
const replica = new ReplicaTeam(team);
const breaker = (provider: string) => replica.manager.circuitBreakerSource().get(`${team}/api_quota/${provider}`)!;
const sync = await shareManagerBreakers(replica.manager, {
  redis: redisUrl,
  channel,
  reconcileIntervalMs: Number(reconcileMs),
  onError: (message) => console.log(`error ${message}`),
});
await replica.manager.start();

const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  const [command, provider] = line.split(' ') as [string, string];
  if (command === 'trip') breaker(provider).trip();
  else if (command === 'reset') breaker(provider).reset();
  else if (command === 'state') console.log(`state openai=${breaker('openai').state} anthropic=${breaker('anthropic').state}`);
  else if (command === 'stop') {
    commands.close();
    void sync
      .dispose()
      .then(() => replica.manager.stop())
      .then(() => console.log('stopped'));
  }
});
console.log('ready');
