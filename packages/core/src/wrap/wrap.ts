import { ConfigError } from '../errors/config-error.js';
import type { ExecuteOptions, Policy, PolicyContext } from '../policy/policy.js';
import {
  ALTERNATIVE_RESULT,
  COUNTS_ATTEMPTS,
  FORWARDS_ATTEMPT,
  NO_SIGNAL_OPTIONS,
  type LayerExecuteOptions,
} from './execute-options.js';
import { fusedRunner } from './fused-chain.js';
import { LayerOptions } from './layer-options.js';
import type { Fn, Runner } from './runner.js';

/**
 * What `wrap` composes: a {@link Policy}, or a policy that may resolve with a value of its own
 * instead of the function's (a `FallbackPolicy<R>`, whose `execute` gives `Promise<T | R>`).
 */
export interface PolicyLike {
  execute<T>(fn: (context: PolicyContext) => PromiseLike<T> | T, options?: ExecuteOptions): Promise<unknown>;
}

/**
 * The value a policy may resolve with besides the function's: `never` for a plain Policy, R for a
 * `FallbackPolicy<R>` (or a `WrappedPolicy<R>` holding one).
 */
export type AlternativeResult<P> = P extends { readonly [ALTERNATIVE_RESULT]: infer R } ? R : never;

interface Branded {
  [COUNTS_ATTEMPTS]?: boolean;
  [FORWARDS_ATTEMPT]?: boolean;
}

/** How `wrap` treats one policy's context (decided once, at construction). */
interface LayerInfo {
  readonly policy: Policy;
  /** Its ctx.attempt counts attempts (a retry): it becomes the attempt carried inward. */
  readonly counts: boolean;
  /** As the innermost policy, its ctx can go to fn as is (it carries the attempt it was given). */
  readonly direct: boolean;
}

function info(policy: Policy): LayerInfo {
  const b = policy as Branded;
  const counts = b[COUNTS_ATTEMPTS] === true;
  return Object.freeze({ policy, counts, direct: counts || b[FORWARDS_ATTEMPT] === true });
}

/** The options for the next layer: the context itself when it already says everything. */
function pass(ctx: PolicyContext, attempt: number, weight: number | undefined): LayerExecuteOptions {
  return attempt === ctx.attempt && weight === undefined ? ctx : new LayerOptions(ctx, attempt, weight);
}

/** The innermost layer: fn gets the policy's ctx as is when it carries the right attempt. */
function innermost(layer: LayerInfo): Runner {
  const policy = layer.policy;
  if (layer.direct) return (fn, options) => policy.execute(fn, options);
  return (fn, options, attempt) =>
    policy.execute((ctx) => fn(ctx.attempt === attempt ? ctx : new LayerOptions(ctx, attempt, undefined)), options);
}

/** Any depth: one layer around `inner` (one closure literal for every layer: polymorphic). */
function around(layer: LayerInfo, inner: Runner): Runner {
  const { policy, counts } = layer;
  return (fn, options, attempt, weight) =>
    policy.execute((ctx) => {
      const a = counts ? ctx.attempt : attempt;
      return inner(fn, pass(ctx, a, weight), a, weight);
    }, options);
}

/*
 * Two to four layers are unrolled: each depth has its own closure literals and takes the policies
 * and flags as closure constants, so V8 sees monomorphic calls and inlines them (≈ 50 ns less per
 * call than the generic chain for retry+breaker+timeout).
 */
function build2(l: readonly LayerInfo[]): Runner {
  const p0 = l[0]!.policy, c0 = l[0]!.counts, last = innermost(l[1]!);
  return (fn, o, attempt, weight) =>
    p0.execute((x) => {
      const ax = c0 ? x.attempt : attempt;
      return last(fn, pass(x, ax, weight), ax, weight);
    }, o);
}

function build3(l: readonly LayerInfo[]): Runner {
  const p0 = l[0]!.policy, c0 = l[0]!.counts, p1 = l[1]!.policy, c1 = l[1]!.counts;
  const p2 = l[2]!.policy, d2 = l[2]!.direct;
  return (fn, o, attempt, weight) =>
    p0.execute((x) => {
      const ax = c0 ? x.attempt : attempt;
      return p1.execute((y) => {
        const ay = c1 ? y.attempt : ax;
        const oy = pass(y, ay, weight);
        if (d2) return p2.execute(fn, oy);
        return p2.execute((z) => fn(z.attempt === ay ? z : new LayerOptions(z, ay, undefined)), oy);
      }, pass(x, ax, weight));
    }, o);
}

function build4(l: readonly LayerInfo[]): Runner {
  const p0 = l[0]!.policy, c0 = l[0]!.counts, p1 = l[1]!.policy, c1 = l[1]!.counts;
  const p2 = l[2]!.policy, c2 = l[2]!.counts, last = innermost(l[3]!);
  return (fn, o, attempt, weight) =>
    p0.execute((x) => {
      const ax = c0 ? x.attempt : attempt;
      return p1.execute((y) => {
        const ay = c1 ? y.attempt : ax;
        return p2.execute((z) => {
          const az = c2 ? z.attempt : ay;
          return last(fn, pass(z, az, weight), az, weight);
        }, pass(y, ay, weight));
      }, pass(x, ax, weight));
    }, o);
}

function layered(layers: readonly LayerInfo[]): Runner | undefined {
  switch (layers.length) {
    case 0:
      return undefined;
    case 1:
      return innermost(layers[0]!);
    case 2:
      return build2(layers);
    case 3:
      return build3(layers);
    case 4:
      return build4(layers);
    default: {
      let run = innermost(layers[layers.length - 1]!);
      for (let i = layers.length - 2; i >= 0; i--) run = around(layers[i]!, run);
      return run;
    }
  }
}

/** The runner for `policies`: fused when they are wrap(retry?, breaker?, timeout), else layered. */
function build(policies: readonly Policy[]): Runner | undefined {
  const layers = policies.map(info);
  const run = layered(layers);
  if (run === undefined) return undefined;
  return fusedRunner(policies, run, () => layered(layers.slice(1))!) ?? run;
}

/**
 * Several policies as one, outermost first: `wrap(retry, breaker, timeout)` retries calls that go
 * through the breaker, each attempt under its own deadline. The caller's signal reaches every
 * layer (each layer's `ctx.signal` is handed inward lazily, so no AbortController is created
 * unless some function reads one), and `ctx.attempt` of the innermost function is the enclosing
 * retry's attempt. A `weight` in the caller's options reaches a rate limiter at any depth.
 *
 * wrap(retry, breaker, timeout) (and wrap(retry, timeout), wrap(breaker, timeout)) of Rampart's
 * own policies runs its first attempt fused: one promise for the caller instead of one per layer
 * (see fused-chain.ts), with the same outcomes, events and breaker counts as the layered path.
 * Build with {@link wrap}.
 */
export class WrappedPolicy<R = never> implements PolicyLike {
  readonly [COUNTS_ATTEMPTS] = true as const;
  readonly [FORWARDS_ATTEMPT] = true as const;
  /** Type only: the value a fallback among the policies may resolve with (see {@link AlternativeResult}). */
  declare readonly [ALTERNATIVE_RESULT]: R;
  readonly policies: readonly Policy[];
  readonly #run: Runner | undefined;

  constructor(policies: readonly PolicyLike[]) {
    // a fallback's own value (R) only ever travels outward, to this call's caller: inside the
    // chain every layer handles results without looking at their type
    this.policies = Object.freeze([...policies]) as readonly Policy[];
    this.#run = build(this.policies);
  }

  execute<T>(fn: Fn<T>, options?: LayerExecuteOptions): Promise<T | R> {
    const o = options ?? NO_SIGNAL_OPTIONS;
    const run = this.#run;
    if (run !== undefined) return run(fn, o, o.attempt ?? 1, o.weight);
    const ctx = new LayerOptions(o, o.attempt ?? 1, undefined);
    return new Promise<T>((resolve) => resolve(fn(ctx)));
  }
}

/**
 * Compose policies outermost first; `wrap()` with no policies runs the function as is. With a
 * fallback among them, `execute` resolves with `T | R` (R: the fallback's value type).
 */
export function wrap<P extends PolicyLike[]>(...policies: P): WrappedPolicy<AlternativeResult<P[number]>> {
  policies.forEach((p, i) => {
    if (typeof p !== 'object' || p === null || typeof (p as Partial<Policy>).execute !== 'function') {
      throw new ConfigError(`wrap[${i}]`, 'must be a policy (an object with execute(fn, options))', typeof p);
    }
  });
  return new WrappedPolicy(policies);
}
