import { afterEach, describe, expect, it } from 'vitest';
import { FallbackAction } from '../fallback/fallback-action.js';
import { FallbackStrategy, ResourceType } from '../resource/resource-types.js';
import { drive, httpError, SimulatedProviders, testManager } from './__fixtures__/manager-fixtures.js';
import type { ResilienceManager } from './resilience-manager.js';

const { API_QUOTA } = ResourceType;
const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

describe('a parked call (QUEUE_REQUEST) is replayed on every available provider in turn', () => {
  it('one provider failing again does not send the call back to wait while another can answer', async () => {
    const { manager, clock } = testManager({
      providers: { api_quota: ['a', 'b'] },
      fallbackStrategies: { api_quota: [new FallbackAction(FallbackStrategy.DEGRADE_SERVICE), new FallbackAction(FallbackStrategy.QUEUE_REQUEST)] },
    });
    managers.push(manager);
    const sim = new SimulatedProviders('a');
    // a: fails the plain call, the degraded one and the replay; b: cools down (429, 1 s) before the call
    sim.fail('a', [httpError(503), httpError(503), httpError(503)]);
    manager.reportProviderFailure(API_QUOTA, 'b', { error: httpError(429, 'slow down', 1_000) });
    const started = clock.now();
    const answer = await drive(clock, manager.execute(API_QUOTA, sim.call, { key: 'ask', args: ['x'] }));
    expect(answer).toBe('b/0:x');
    // DEGRADE_SERVICE asked a (b was cooling down, and is never asked inside its retry-after); the
    // replay found a failing again and went on to b at once
    expect(sim.trail()).toEqual(['a/plain', 'a/degrade_service', 'a/queue_request', 'b/queue_request']);
    // the replay came on the first poll after b's retry-after (queue.retryIntervalMs, 1 s by default)
    expect(clock.now() - started).toBeLessThanOrEqual(2_000);
  });

  it("hands the replay's attempt the request's idempotency key (stable across replays), and no key to any other attempt", async () => {
    const { manager, clock } = testManager({
      providers: { api_quota: ['a'] },
      fallbackStrategies: { api_quota: [new FallbackAction(FallbackStrategy.QUEUE_REQUEST)] },
    });
    managers.push(manager);
    const ids: string[] = [];
    manager.onRequestQueued((r) => ids.push(r.id));
    const keys: Array<string | undefined> = [];
    let calls = 0;
    const answer = await drive(
      clock,
      manager.execute(API_QUOTA, (attempt) => {
        keys.push(attempt.idempotencyKey);
        if (++calls < 3) throw httpError(503);
        return 'done';
      }),
    );
    expect(answer).toBe('done');
    expect(keys).toEqual([undefined, `test-team/${ids[0]}`, `test-team/${ids[0]}`]);
  });
});
