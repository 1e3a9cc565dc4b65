// Queues a request of a decorated method on a persistent manager, prints its id, then waits to be
// killed (SIGKILL): the request must survive in the store.
import { FallbackAction } from '../../fallback/fallback-action.js';
import { withFallback } from '../../fallback/with-fallback.js';
import { FallbackStrategy, ResourceType } from '../../resource/resource-types.js';
import { ResilienceManager } from '../resilience-manager.js';
import { refClock } from '../../testing/ref-clock.js';

const storagePath = process.argv[2]!;

export class MailTeam {
  resilience = new ResilienceManager('mail-team', {
    env: {},
    clock: refClock,
    storagePath,
    queue: { retryIntervalMs: 60_000, maxWaitMs: 600_000 },
    fallbackStrategies: { network: [new FallbackAction(FallbackStrategy.QUEUE_REQUEST)] },
  });

  @withFallback(ResourceType.NETWORK)
  async send(to: string, body: { subject: string }): Promise<string> {
    throw Object.assign(new Error(`smtp down, cannot send "${body.subject}" to ${to}`), { status: 503 });
  }
}

const team = new MailTeam();
await team.resilience.start();
team.resilience.onRequestQueued((r) => console.log(`queued ${r.id} persisted=${r.persisted}`));
void team.send('ops@example.test', { subject: 'disk full' }).catch(() => undefined);
globalThis.setInterval(() => undefined, 1_000); // stay alive until killed
