import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BrokenCircuitError } from '../errors/broken-circuit-error.js';
import { FakeClock, flushMicrotasks } from '../testing/fake-clock.js';
import { deferred, permanent, transient, type Deferred } from './__fixtures__/calls.js';
import { CircuitBreakerPolicy } from './circuit-breaker-policy.js';
import type { CircuitState } from './circuit-state.js';

type Outcome = 'success' | 'transient' | 'permanent';
type Command =
  | { kind: 'start' }
  | { kind: 'settle'; index: number; outcome: Outcome }
  | { kind: 'tick'; ms: number }
  | { kind: 'isolate' }
  | { kind: 'reset' };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ kind: 'start' as const }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('settle' as const),
      index: fc.nat(),
      outcome: fc.constantFrom<Outcome>('success', 'transient', 'permanent'),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 1500 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'isolate' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
);

/**
 * A reference model of the consecutive-failure circuit breaker, written from the spec: closed →
 * open after `threshold` counted failures in a row; open → half-open once `recoveryMs` passed (on
 * the next look); at most `maxProbes` probes, slots of probes older than `probeTimeoutMs` reclaimed
 * when all are taken; closes after `maxProbes` successful probes; reopens on a counted probe failure;
 * outcomes of calls admitted in an earlier state period are ignored.
 */
class Model {
  state: CircuitState = 'closed';
  isolated = false;
  openUntil = 0;
  fails = 0;
  period = 0;
  probes = new Map<number, number>(); // call id → start
  probeSuccesses = 0;

  constructor(
    readonly threshold: number,
    readonly recoveryMs: number,
    readonly maxProbes: number,
    readonly probeTimeoutMs: number,
  ) {}

  go(state: CircuitState, now: number): void {
    this.state = state;
    this.period++;
    this.probes.clear();
    this.probeSuccesses = 0;
    if (state === 'closed') this.fails = 0;
    if (state === 'open') this.openUntil = now + this.recoveryMs;
  }

  refresh(now: number): void {
    if (this.state === 'open' && !this.isolated && now >= this.openUntil) this.go('half_open', now);
  }

  /** Returns the call's admission: undefined when rejected. */
  start(id: number, now: number): { period: number; probe: boolean } | undefined {
    this.refresh(now);
    if (this.state === 'closed') return { period: this.period, probe: false };
    if (this.state === 'open') return undefined;
    if (this.probes.size >= this.maxProbes) {
      for (const [pid, t] of this.probes) if (now - t >= this.probeTimeoutMs) this.probes.delete(pid);
      if (this.probes.size >= this.maxProbes) return undefined;
    }
    this.probes.set(id, now);
    return { period: this.period, probe: true };
  }

  settle(id: number, admission: { period: number; probe: boolean }, outcome: Outcome, now: number): void {
    if (admission.period !== this.period) return;
    const counted = outcome !== 'permanent';
    if (!admission.probe) {
      if (!counted) return;
      if (outcome === 'success') this.fails = 0;
      else if (++this.fails >= this.threshold) this.go('open', now);
      return;
    }
    if (!this.probes.delete(id) || !counted) return;
    if (outcome !== 'success') this.go('open', now);
    else if (++this.probeSuccesses >= this.maxProbes) this.go('closed', now);
  }
}

interface Pending {
  id: number;
  d: Deferred<unknown>;
  admission: { period: number; probe: boolean };
  startedAt: number;
}

describe('CircuitBreakerPolicy state machine (model-based)', () => {
  it('agrees with the reference model; never admits while open; bounds half-open probes; keeps counts consistent', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          threshold: fc.integer({ min: 1, max: 4 }),
          recoveryMs: fc.integer({ min: 0, max: 1000 }),
          maxProbes: fc.integer({ min: 1, max: 3 }),
          probeTimeoutMs: fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.constant(Number.POSITIVE_INFINITY)),
        }),
        fc.array(command, { minLength: 10, maxLength: 80, size: 'max' }),
        async (cfg, commands) => {
          const clock = new FakeClock();
          const breaker = new CircuitBreakerPolicy('prop', {
            failureThreshold: cfg.threshold,
            recoveryTimeoutMs: cfg.recoveryMs,
            halfOpenMaxCalls: cfg.maxProbes,
            halfOpenProbeTimeoutMs: cfg.probeTimeoutMs,
            clock,
          });
          const model = new Model(cfg.threshold, cfg.recoveryMs, cfg.maxProbes, cfg.probeTimeoutMs);
          const pending: Pending[] = [];
          const settled = { success: 0, transient: 0, permanent: 0 };
          let rejected = 0;
          let nextId = 1;
          let halfOpenPeriod = -1;
          const currentProbes: Pending[] = [];

          for (const cmd of commands) {
            const now = clock.now();
            if (cmd.kind === 'start') {
              const id = nextId++;
              const stateBefore = breaker.state;
              const expected = model.start(id, now);
              let admitted = false;
              const d = deferred();
              const p = breaker.execute(() => {
                admitted = true;
                return d.promise;
              });
              p.catch(() => undefined);
              // Invariant 1: no call is admitted while the circuit is open.
              if (stateBefore === 'open') expect(admitted).toBe(false);
              expect(admitted).toBe(expected !== undefined);
              if (admitted) {
                const entry = { id, d, admission: expected!, startedAt: now };
                pending.push(entry);
                if (breaker.state === 'half_open') {
                  if (model.period !== halfOpenPeriod) {
                    halfOpenPeriod = model.period;
                    currentProbes.length = 0;
                  }
                  currentProbes.push(entry);
                }
              } else {
                rejected++;
                await expect(p).rejects.toBeInstanceOf(BrokenCircuitError);
              }
            } else if (cmd.kind === 'settle') {
              if (pending.length === 0) continue;
              const [call] = pending.splice(cmd.index % pending.length, 1);
              if (cmd.outcome === 'success') call!.d.resolve('ok');
              else call!.d.reject(cmd.outcome === 'transient' ? transient() : permanent());
              settled[cmd.outcome]++;
              model.settle(call!.id, call!.admission, cmd.outcome, now);
              await flushMicrotasks(5);
            } else if (cmd.kind === 'tick') {
              clock.tick(cmd.ms);
            } else if (cmd.kind === 'isolate') {
              breaker.isolate();
              if (!model.isolated) {
                model.isolated = true;
                model.go('open', now);
              }
            } else {
              breaker.reset();
              model.isolated = false;
              if (model.state !== 'closed') model.go('closed', now);
              else {
                model.fails = 0;
                model.period++;
              }
            }
            model.refresh(clock.now());
            expect(breaker.state).toBe(model.state);
            // Invariant 2: at most halfOpenMaxCalls probes of this half-open period in flight, not
            // counting probes older than the probe timeout (their slots may have been reclaimed).
            if (model.state === 'half_open' && model.period === halfOpenPeriod) {
              const t = clock.now();
              const live = currentProbes.filter((c) => pending.includes(c) && t - c.startedAt < cfg.probeTimeoutMs);
              expect(live.length).toBeLessThanOrEqual(cfg.maxProbes);
            }
            // Invariant 3: counts are consistent.
            const s = breaker.stats;
            expect(s.calls).toBe(s.successes + s.failures + s.ignored);
            expect(s.successes).toBe(settled.success);
            expect(s.failures).toBe(settled.transient);
            expect(s.ignored).toBe(settled.permanent);
            expect(s.rejections).toBe(rejected);
          }
          for (const c of pending) c.d.resolve('done');
          await flushMicrotasks(5);
        },
      ),
      { numRuns: 300 },
    );
  });
});
