import { afterEach, expect, it } from 'vitest';
import { withFallback } from '../fallback/with-fallback.js';
import type { QueuedRequest } from '../queue/queued-request.js';
import { FallbackStrategy } from '../resource/resource-types.js';
import { MemoryStore } from '../store/memory-store.js';
import { httpError, rejection, testManager } from './__fixtures__/manager-fixtures.js';
import type { ResilienceManager } from './resilience-manager.js';

const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

let down = true;
let indexed: string[] = [];
class Indexer {
  constructor(readonly resilience: ResilienceManager) {}
  @withFallback('search_api')
  async index(doc: string): Promise<string> {
    if (down) throw httpError(503);
    indexed.push(doc);
    return `indexed ${doc}`;
  }
}

it('a queued request persisted under a custom type the config no longer declares fails, naming the type', async () => {
  const store = new MemoryStore();
  const first = testManager({ store, resourceTypes: ['search_api'], fallbackStrategies: { search_api: [{ strategy: FallbackStrategy.QUEUE_REQUEST }] } }).manager;
  managers.push(first);
  await first.start();
  const queued = new Promise<QueuedRequest>((resolve) => first.onRequestQueued(resolve));
  const call = rejection(new Indexer(first).index('doc-1'));
  const record = await queued;
  await first.stop();
  expect(await call).toMatchObject({ name: 'QueueStoppedError', persisted: true });

  down = false;
  indexed = [];
  const { manager: second, clock } = testManager({ store }); // search_api is no longer declared
  managers.push(second);
  const settled = new Promise<QueuedRequest>((resolve) => second.onQueuedRequestSettled(resolve));
  await second.start();
  second.attach(new Indexer(second));
  await clock.tickAsync(20_000);
  const outcome = await settled;
  expect(outcome).toMatchObject({ id: record.id, status: 'failed', resource: 'search_api' });
  expect(outcome.error?.message).toMatch(/^queuedRequest\.resource: unknown resource type "search_api" \(known: api_quota,/);
  expect(indexed).toEqual([]); // the method did not run outside any chain
});
