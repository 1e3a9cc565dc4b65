import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BrokenCircuitError } from '../errors/broken-circuit-error.js';
import { ResourceType } from '../resource/resource-types.js';
import { FakeClock } from '../testing/fake-clock.js';
import { circuitId, ResourceBreakers, type ResourceBreakerChange } from './resource-breakers.js';

const { DATABASE, API_QUOTA, DOCKER } = ResourceType;

function breakers(clock = new FakeClock()) {
  const changes: string[] = [];
  const b = new ResourceBreakers({
    team: 't',
    clock,
    failureThreshold: 2,
    recoveryTimeoutMs: 10_000,
    usesBreaker: (type) => type !== API_QUOTA,
    onCircuitChange: (scope, breaker, c: ResourceBreakerChange) => changes.push(`${circuitId(scope.resource, scope.provider)}=${breaker.name}:${c.to}:${c.reason}`),
  });
  return { b, clock, changes };
}

const fail = () => Promise.reject(Object.assign(new Error('down'), { status: 503 }));

describe('ResourceBreakers', () => {
  it('keeps one breaker per (type, provider), named after the team, and none for types without CIRCUIT_BREAK', () => {
    const { b } = breakers();
    expect(b.breaker(DATABASE, 'replica1')?.name).toBe('t/database/replica1');
    expect(b.breaker(DATABASE, 'replica1')).toBe(b.breaker(DATABASE, 'replica1'));
    expect(b.breaker(DOCKER, undefined)?.name).toBe('t/docker');
    expect(b.breaker(API_QUOTA, 'openai')).toBeUndefined();
    expect([...b.entries()].map((e) => [e.resource, e.provider])).toEqual([
      [DATABASE, 'replica1'],
      [DOCKER, undefined],
    ]);
  });

  it('a provider breaker opens on its own failures; trip() opens a closed one only; openForMs counts down', async () => {
    const { b, clock, changes } = breakers();
    const primary = b.breaker(DATABASE, 'primary')!;
    await primary.execute(fail).catch(() => undefined);
    await primary.execute(fail).catch(() => undefined);
    expect(b.isOpen(DATABASE, 'primary')).toBe(true);
    expect(b.isOpen(DATABASE, 'replica1')).toBe(false);
    expect(b.openForMs(DATABASE, 'primary')).toBe(10_000);
    const rejection = await primary.execute(async () => 'never').catch((e: unknown) => e);
    expect(rejection).toBeInstanceOf(BrokenCircuitError);
    expect(b.isOwnRejection(DATABASE, 'primary', rejection)).toBe(true);
    expect(b.isOwnRejection(DATABASE, 'replica1', rejection)).toBe(false);
    b.trip(DATABASE, 'replica1');
    clock.tick(4_000);
    expect(b.openForMs(DATABASE, 'replica1')).toBe(6_000);
    clock.tick(6_000);
    expect(b.isOpen(DATABASE, 'replica1')).toBe(false); // half-open now
    b.trip(DATABASE, 'replica1'); // leaves a half-open breaker alone
    expect(b.breaker(DATABASE, 'replica1')!.state).toBe('half_open');
    expect(changes).toEqual([
      'database/primary=t/database/primary:open:threshold',
      'database/replica1=t/database/replica1:open:circuit_break_step',
      'database/replica1=t/database/replica1:half_open:recovery_timeout',
    ]);
  });

  it('allOpen: every listed provider open (a provider without a breaker is closed); without providers, the resource breaker', () => {
    const providers = ['p0', 'p1', 'p2', 'p3'];
    fc.assert(
      fc.property(fc.subarray(providers), fc.subarray(providers, { minLength: 1 }), (tripped, list) => {
        const { b } = breakers();
        for (const p of tripped) b.trip(DATABASE, p);
        expect(b.allOpen(DATABASE, list)).toBe(list.every((p) => tripped.includes(p)));
        expect(b.allOpen(DATABASE, [])).toBe(false);
        b.trip(DATABASE, undefined);
        expect(b.allOpen(DATABASE, [])).toBe(true);
      }),
    );
  });
});
