// A program whose stdout is its own output: Rampart logs a failed call (at RAMPART_LOG_LEVEL, set by
// the test) while the program prints its result. Logs must go to stderr, with the error's class and
// stack, and without the password of the URL in the error's message.
import { FallbackAction } from '../../fallback/fallback-action.js';
import { ResilienceManager } from '../../manager/resilience-manager.js';
import { FallbackStrategy, ResourceType } from '../../resource/resource-types.js';

class ReplicaDownError extends Error {
  override name = 'ReplicaDownError';
}

const manager = new ResilienceManager('cli', {
  fallbackStrategies: { database: [new FallbackAction(FallbackStrategy.USE_CACHE)] },
});
const failing = async () => {
  throw new ReplicaDownError('cannot reach postgres://app:hunter2-secret@127.0.0.1:1/db', { cause: new Error('connect ECONNREFUSED for postgres://app:hunter2-secret@127.0.0.1:1') });
};
const outcome = await manager.execute(ResourceType.DATABASE, failing).then(
  () => 'resolved',
  (error: Error) => error.name,
);
await manager.stop();
console.log(`result ${outcome}`);
