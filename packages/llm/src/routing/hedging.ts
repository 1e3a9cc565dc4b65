import { createHedging, HedgingExhaustedError, RampartError, type Clock } from '@rampart/core';
import { z } from 'zod';

/** Options of hedging across providers (`new ResilientLLM({ hedging })`, `createResilientModel({ hedging })`). */
export interface HedgingOptions {
  /**
   * How long the provider an attempt uses may take before the next available provider is asked beside
   * it, ms; the first answer wins and the other requests are aborted. Default `'auto'`: the p90 of
   * that provider's last 100 latencies (at least 50 ms; 1,000 ms until it has 10), where a request
   * that lost the race to a hedge counts as taking the delay it was given, so a brownout's slow tail
   * never fills the p90 it is measured by.
   */
  delayMs?: number | 'auto';
  /**
   * Cap on extra requests, as a percentage of the last 100 calls: a hedge starts only while the
   * hedges of the last 100 calls stay within it. Default 20 (at most 1.2 requests per call); above 100
   * only with `maxExtraRequests` above 1.
   */
  maxExtraPercent?: number;
  /** How many other providers one call may ask beside the first, one more after each delay. Default 1. */
  maxExtraRequests?: number;
}

/** The schema of {@link HedgingOptions}, for the options schemas that take them (the paths of its errors name the field). */
export const hedgingSchema = z.strictObject({
  delayMs: z.union([z.literal('auto'), z.number().finite().nonnegative()]).optional(),
  maxExtraPercent: z.number().min(0).max(1000).optional(),
  maxExtraRequests: z.number().int().min(1).max(10).optional(),
});

/** Hedging with its defaults filled in. */
export interface ResolvedHedging {
  readonly delayMs: number | 'auto';
  readonly maxExtraPercent: number;
  readonly maxExtraRequests: number;
}

/** Fill in the defaults of (already validated) hedging options; undefined = no hedging. */
export function resolveHedging(o: HedgingOptions | undefined): ResolvedHedging | undefined {
  if (o === undefined) return undefined;
  return Object.freeze({ delayMs: o.delayMs ?? 'auto', maxExtraPercent: o.maxExtraPercent ?? 20, maxExtraRequests: o.maxExtraRequests ?? 1 });
}

const WINDOW = 100;
const MIN_SAMPLES = 10;
/** Floor of the automatic delay: below it, scheduling jitter alone would start hedges. */
const MIN_DELAY_MS = 50;
/** The automatic delay before a provider has {@link MIN_SAMPLES} latencies. */
const FIRST_DELAY_MS = 1_000;

/** A provider's last 100 latencies, for its hedging delay. */
export class LatencyWindow {
  readonly #samples: number[] = [];
  #next = 0;
  #sorted: number[] | undefined;

  record(ms: number): void {
    if (this.#samples.length < WINDOW) this.#samples.push(ms);
    else this.#samples[this.#next] = ms;
    this.#next = (this.#next + 1) % WINDOW;
    this.#sorted = undefined;
  }

  /** The `p`th percentile (nearest rank); undefined below 10 samples. */
  percentile(p: number): number | undefined {
    if (this.#samples.length < MIN_SAMPLES) return undefined;
    this.#sorted ??= [...this.#samples].sort((a, b) => a - b);
    return this.#sorted[Math.max(0, Math.ceil((p / 100) * this.#sorted.length) - 1)]!;
  }
}

/** The delay before a hedge of a request to a provider with these latencies. */
export function hedgeDelayMs(option: number | 'auto', latencies: LatencyWindow): number {
  if (option !== 'auto') return option;
  const p90 = latencies.percentile(90);
  return p90 === undefined ? FIRST_DELAY_MS : Math.max(MIN_DELAY_MS, p90);
}

/** The cap on extra requests: hedges started during the last 100 calls, at most `maxExtraPercent` of them. */
export class HedgeBudget {
  readonly #percent: number;
  /** Hedges charged to each of the last 100 calls (ring). */
  readonly #hedges = new Uint16Array(WINDOW);
  #calls = 0;
  #inWindow = 0;

  constructor(maxExtraPercent: number) {
    this.#percent = maxExtraPercent;
  }

  /** Count a call. */
  call(): void {
    const slot = this.#calls % WINDOW;
    this.#inWindow -= this.#hedges[slot]!;
    this.#hedges[slot] = 0;
    this.#calls++;
  }

  /** Take one extra request while the extra requests of the last 100 calls are below the cap (charged to the latest call). */
  take(): boolean {
    const calls = Math.min(this.#calls, WINDOW);
    if (this.#inWindow * 100 >= calls * this.#percent) return false;
    this.#hedges[(this.#calls + WINDOW - 1) % WINDOW]!++;
    this.#inWindow++;
    return true;
  }

  /** Extra requests during the last 100 calls, per call (for tests and stats). */
  get extraPerCall(): number {
    return this.#calls === 0 ? 0 : this.#inWindow / Math.min(this.#calls, WINDOW);
  }
}

/** Whether a request's signal was aborted because another request of its call answered first. */
export function lostRace(signal: AbortSignal): boolean {
  return signal.aborted && RampartError.isInstance(signal.reason) && signal.reason.code === 'HedgeLostError';
}

/** What a hedged call is made of: its first target, where hedges go, and how one request is made. */
export interface HedgeTargets<S, T> {
  readonly clock: Clock;
  /** The call's signal: aborting it aborts every request. */
  readonly signal: AbortSignal | undefined;
  readonly first: S;
  /** When a delay has passed: the target of the next hedge, or undefined (no provider available, no budget). */
  next(tried: readonly S[]): S | undefined;
  /** One request to `target`; its signal aborts when it loses the race ({@link lostRace}) or the call is aborted. */
  request(target: S, signal: AbortSignal): Promise<T>;
  /** The target's name, for the error of a call whose every request failed. */
  name(target: S): string;
}

/** One hedged call with its delay and cap. */
export interface HedgeRace<S, T> extends HedgeTargets<S, T> {
  readonly delayMs: number;
  readonly maxExtraRequests: number;
}

/** Thrown by a hedge that never found a target: not an attempt's failure, left out of the call's errors. */
const NO_HEDGE = Symbol('no hedge');
/** How often a hedge with no target looks again, at least (a delay of 0 starts hedges at once). */
const RETRY_NEXT_MS = 50;

/**
 * Run `race.first`, and when it has not answered within the delay, the next target beside it (up to
 * `maxExtraRequests` more, one per delay), on core's hedging policy: the first answer wins and the
 * others are aborted. A hedge with no target when its delay has passed looks again after each delay
 * while the first request runs. A failure does not start a hedge (the fallback chain decides what a failure
 * means); a call whose every request failed throws a HedgingExhaustedError naming each target.
 */
export async function raceHedged<S, T>(race: HedgeRace<S, T>): Promise<T> {
  const failures: Array<{ target: S; error: unknown }> = [];
  const tried: S[] = [race.first];
  // a hedge still waiting for a target ends when the first request fails (the chain decides then)
  let firstFailed = false;
  let wake: AbortController | undefined;
  const attempt = (target: S, signal: AbortSignal): Promise<T> =>
    race.request(target, signal).catch((error: unknown) => {
      failures.push({ target, error });
      if (target === race.first) {
        firstFailed = true;
        wake?.abort();
      }
      throw error;
    });
  const policy = createHedging({ delayMs: race.delayMs, maxHedgedAttempts: race.maxExtraRequests, handle: () => false, clock: race.clock });
  try {
    return await policy.execute(
      async (ctx) => {
        if (ctx.attempt === 1) return attempt(race.first, ctx.signal);
        // the delay's timer runs before the I/O of the same loop turn: after a stall of the event loop
        // (GC, a busy CPU) it fires beside answers that have arrived but are not read yet. Read them
        // first (setImmediate runs after the turn's I/O), so a stall does not hedge every call in flight.
        await new Promise((resolve) => setImmediate(resolve));
        for (;;) {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          if (firstFailed) throw NO_HEDGE;
          const target = race.next(tried);
          if (target !== undefined) {
            tried.push(target);
            return attempt(target, ctx.signal);
          }
          // none now (every other provider cooling down, the cap reached): look again after another delay
          wake ??= new AbortController();
          await race.clock.sleep(Math.max(race.delayMs, RETRY_NEXT_MS), AbortSignal.any([ctx.signal, wake.signal])).catch(() => undefined);
        }
      },
      { signal: race.signal },
    );
  } catch (err) {
    if (!(err instanceof HedgingExhaustedError) && err !== NO_HEDGE) throw err;
    if (failures.length < 2) throw failures[0]?.error ?? err;
    throw new HedgingExhaustedError(
      failures.map((f) => f.error),
      'max_attempts',
      failures.map((f) => race.name(f.target)),
    );
  }
}

/** One hedged call of {@link ProviderHedging.run}: targets with their latencies, and how one request is made. */
export interface HedgedCall<S, T> extends HedgeTargets<S, T> {
  latencies(target: S): LatencyWindow;
}

/**
 * Hedging across the providers of one LLM or model: its options, the cap on extra requests, and the
 * latencies its automatic delay is taken from. A request that answers records its latency; the first
 * request of a call records the delay it was given when it lost the race to a hedge, or at most twice
 * that delay when it ran past it with no hedge beside it (none available, none within the caps): a
 * slow tail cut by hedges (or one no hedge could race) never fills the p90 it is measured by.
 */
export class ProviderHedging {
  readonly options: ResolvedHedging;
  readonly budget: HedgeBudget;

  constructor(options: ResolvedHedging) {
    this.options = options;
    this.budget = new HedgeBudget(options.maxExtraPercent);
  }

  /** Calls running now, and hedges among their requests (a stall of the event loop must not hedge every call in flight). */
  #calls = 0;
  #hedges = 0;

  async run<S, T>(call: HedgedCall<S, T>): Promise<T> {
    const { clock, first } = call;
    this.budget.call();
    const delayMs = hedgeDelayMs(this.options.delayMs, call.latencies(first));
    let unhedged = false;
    this.#calls++;
    try {
      return await raceHedged({
        clock,
        delayMs,
        maxExtraRequests: this.options.maxExtraRequests,
        signal: call.signal,
        first,
        next: (tried) => {
          const target = this.#hedgeInFlightAllowed() ? call.next(tried) : undefined;
          if (target !== undefined && this.budget.take()) return target;
          unhedged = true;
          return undefined;
        },
        request: async (target, signal) => {
          const startedAt = clock.now();
          const hedge = target !== first;
          if (hedge) this.#hedges++;
          try {
            const value = await call.request(target, signal);
            const ms = clock.now() - startedAt;
            call.latencies(target).record(!hedge && unhedged ? Math.min(ms, 2 * delayMs) : ms);
            return value;
          } catch (err) {
            if (!hedge && lostRace(signal)) call.latencies(first).record(delayMs);
            throw err;
          } finally {
            if (hedge) this.#hedges--;
          }
        },
        name: (target) => call.name(target),
      });
    } finally {
      this.#calls--;
    }
  }

  /**
   * Whether one more hedge may run now: hedges in flight stay within `maxExtraPercent` of the calls in
   * flight (one is always allowed). A brownout slows some calls; a stall of this process (GC, a busy
   * CPU) makes every call in flight late at once, and hedging them all would only add load.
   */
  #hedgeInFlightAllowed(): boolean {
    return this.#hedges === 0 || this.#hedges * 100 < this.#calls * this.options.maxExtraPercent;
  }
}
