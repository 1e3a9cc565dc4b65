// A replica of a team that parks requests (QUEUE_REQUEST) in a shared RedisStateStore:
// `node --conditions=rampart-source --import test/support/register-swc-loader.mjs queue-replica.child.ts
// <redis target> <keyPrefix> <leaseMs> <upstreamUrl> <name>` (a target of testing/redis-target.ts).
// Its upstream (__fixtures__/idempotent-upstream.ts) starts down: a call is not delivered, it fails and
// is parked. Commands on stdin: `park <n>` makes n calls (prints `queued <id>` for each); `up` / `down`
// switch the upstream; `stop` stops the manager and closes the store, prints `stopped`, and the
// process must then exit. A replay while up delivers the call with its idempotency key and this
// replica's name; a caller's answer prints `answered <value>`; warnings print `warning <message>`.
import { request } from 'node:http';
import { currentReplay, FallbackAction, FallbackStrategy, ResilienceManager, ResourceType, withFallback } from '@rampart/core';
import { RedisStateStore } from '../redis-state-store.js';
import { connectTo, disconnect } from '../testing/redis-target.js';
import { serveCommands } from './replica-commands.js';

const [target, keyPrefix, leaseMs, upstream, name] = process.argv.slice(2) as [string, string, string, string, string];
const redis = connectTo(target); // a URL, or a Cluster for cluster://
const store = new RedisStateStore({ redis, keyPrefix, leaseMs: Number(leaseMs), onConnectionError: () => undefined });
let up = false;

/** POST `n` to the upstream with the request's idempotency key; answers its reply (deadline 10 s). */
function deliver(n: number, idempotencyKey: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(upstream, { method: 'POST', agent: false, timeout: 10_000, headers: { 'idempotency-key': idempotencyKey, 'x-replica': name } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (t: string) => (body += t));
      res.on('end', () => resolve(body)).on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('upstream: no answer within 10 s')));
    req.on('error', reject);
    req.end(String(n));
  });
}

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
    return deliver(n, replay.idempotencyKey);
  }
}

const mailer = new Mailer();
mailer.resilience.onRequestQueued((r) => console.log(`queued ${r.id}`));
mailer.resilience.onWarning((w) => console.log(`warning ${w.message}${w.error === undefined ? '' : ` (${String(w.error)})`}`));
await mailer.resilience.start();
mailer.resilience.attach(mailer);
let sent = 0;

serveCommands(
  {
    park: (count) => {
      for (let i = 0; i < Number(count); i++) {
        mailer.send(sent++).then(
          (value) => console.log(`answered ${value}`),
          (err: unknown) => console.log(`rejected ${(err as Error).name}`),
        );
      }
    },
    up: () => (up = true),
    down: () => (up = false),
  },
  () => mailer.resilience.stop().then(() => store.close()).then(() => disconnect(redis)),
);
