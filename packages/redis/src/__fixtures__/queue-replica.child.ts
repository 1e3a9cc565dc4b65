// A replica of a team that parks requests (QUEUE_REQUEST) in a shared RedisStateStore:
// `node --conditions=rampart-source --import test/support/register-swc-loader.mjs queue-replica.child.ts
// <redisUrl or cluster://nodes> <keyPrefix> <leaseMs>`. Its upstream starts down. Commands on stdin: `park <n>` makes n
// calls (each fails and is parked; prints `queued <id>`); `up` / `down` switch the upstream; `stop`
// stops the manager and closes the store, prints `stopped`, and the process must then exit.
// The upstream prints `exec <idempotencyKey>` when a replay runs it while up; a caller's answer
// prints `answered <value>`; warnings print `warning <message>`.
import { createInterface } from 'node:readline';
import { currentReplay, FallbackAction, FallbackStrategy, ResilienceManager, ResourceType, withFallback } from '@rampart/core';
import { RedisStateStore } from '../redis-state-store.js';
import { connectTo, disconnect } from '../testing/redis-target.js';

const [target, keyPrefix, leaseMs] = process.argv.slice(2) as [string, string, string];
const redis = connectTo(target); // a URL, or a Cluster for cluster://
const store = new RedisStateStore({ redis, keyPrefix, leaseMs: Number(leaseMs), onConnectionError: () => undefined });
let up = false;

class Mailer {
  resilience = new ResilienceManager('mailers', {
    env: { RAMPART_LOG_LEVEL: 'silent' },
    store,
    queue: { retryIntervalMs: 100, maxWaitMs: 600_000 },
    fallbackStrategies: { [ResourceType.NETWORK]: [new FallbackAction(FallbackStrategy.QUEUE_REQUEST)] },
  });

  @withFallback(ResourceType.NETWORK, { key: 'mailer.send' })
  async send(n: number): Promise<string> {
    const replay = currentReplay();
    if (!up || !replay) throw Object.assign(new Error('smtp down'), { status: 503 });
    console.log(`exec ${replay.idempotencyKey}`); if (process.env.DEBUG_REPLICA) console.error(`n=${n} replay=${replay.replay} id=${replay.requestId}`);
    await new Promise((resolve) => setTimeout(resolve, 5)); // the upstream's work
    return `sent-${n}`;
  }
}

const mailer = new Mailer();
mailer.resilience.onRequestQueued((r) => console.log(`queued ${r.id}`));
mailer.resilience.onWarning((w) => console.log(`warning ${w.message}`));
await mailer.resilience.start();
mailer.resilience.attach(mailer);
let sent = 0;

const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  const [command, arg] = line.split(' ');
  if (command === 'park') {
    for (let i = 0; i < Number(arg); i++) {
      mailer.send(sent++).then(
        (value) => console.log(`answered ${value}`),
        (err: unknown) => console.log(`rejected ${(err as Error).name}`),
      );
    }
  } else if (command === 'up') up = true;
  else if (command === 'down') up = false;
  else if (command === 'stop') {
    commands.close();
    void mailer.resilience
      .stop()
      .then(() => store.close())
      .then(() => disconnect(redis))
      .then(() => console.log('stopped'));
  }
});
console.log('ready');
