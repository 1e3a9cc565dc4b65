import { CircuitBreakerPolicy } from '../breaker/circuit-breaker-policy.js';
import type { Policy, PolicyContext } from '../policy/policy.js';
import { FIRST_ATTEMPT_CONTEXT, RetryContext } from '../retry/retry-context.js';
import { RetryPolicy } from '../retry/retry-policy.js';
import { TimeoutCall, type OutcomeSink, type SyncOutcome } from '../timeout/timeout-call.js';
import { TimeoutPolicy } from '../timeout/timeout-policy.js';
import { NEVER_ABORTED_SIGNAL, NO_SIGNAL_OPTIONS, peekSignal, type LayerExecuteOptions } from './execute-options.js';
import { LayerOptions } from './layer-options.js';
import type { Fn, Runner } from './runner.js';

/*
 * The fused first attempt of wrap(retry?, breaker?, timeout).
 *
 * Composed naively, each layer chains a promise on the inner one: the timeout's race promise, a
 * `then` for the breaker's bookkeeping, another for the retry's: three promises and three
 * microtask hops per call. Fused, the first attempt allocates what the timeout alone does (its
 * call object, the promise handed to the caller and one `then` on the function's promise); the
 * retry's and the breaker's parts run as plain calls when that call settles. Anything off the
 * hot path (an open or half-open circuit, an aborted signal, a failure the retry acts on) takes
 * the layered path, so the outcome is the same as the layered composition's.
 */

/** The shape that is fused: an optional retry outermost, an optional breaker, the timeout innermost. */
interface Shape {
  readonly retry: RetryPolicy | undefined;
  readonly breaker: CircuitBreakerPolicy | undefined;
  readonly timeout: TimeoutPolicy;
}

/** Exactly these classes (a subclass may override `execute`, which fusing would bypass). */
function is<C>(policy: Policy | undefined, cls: { prototype: C }): policy is Policy & C {
  return policy !== undefined && Object.getPrototypeOf(policy) === cls.prototype;
}

function shapeOf(policies: readonly Policy[]): Shape | undefined {
  const n = policies.length;
  if (n < 2 || n > 3) return undefined;
  const timeout = policies[n - 1];
  if (!is(timeout, TimeoutPolicy)) return undefined;
  const first = policies[0];
  if (n === 3) {
    const middle = policies[1];
    return is(first, RetryPolicy) && is(middle, CircuitBreakerPolicy) ? { retry: first, breaker: middle, timeout } : undefined;
  }
  if (is(first, RetryPolicy)) return { retry: first, breaker: undefined, timeout };
  if (is(first, CircuitBreakerPolicy)) return { retry: undefined, breaker: first, timeout };
  return undefined;
}

/**
 * The first attempt of one fused call, beside its timeout call: what the outer layers need when
 * it settles. A separate object rather than a subclass of the timeout's call (see TimeoutCall).
 */
class ChainCall<T> implements OutcomeSink<T>, SyncOutcome<T> {
  readonly #chain: FusedChain;
  readonly #fn: Fn<T>;
  readonly #options: LayerExecuteOptions;
  /** The breaker period the call was admitted in (-1 without a breaker), and its start time. */
  readonly #period: number;
  readonly #start: number;

  constructor(chain: FusedChain, fn: Fn<T>, options: LayerExecuteOptions, period: number, start: number) {
    this.#chain = chain;
    this.#fn = fn;
    this.#options = options;
    this.#period = period;
    this.#start = start;
  }

  /** The function returned a plain value. */
  succeeded(value: T): Promise<T> {
    const thrown = this.#recordSuccess();
    return thrown === undefined ? Promise.resolve(value) : this.#retryOrReject(thrown.error);
  }

  /** The function threw synchronously. */
  failed(error: unknown): Promise<T> {
    return this.#retryOrReject(this.#recordFailure(error));
  }

  deliver(ok: boolean, value: unknown, resolve: (value: T | PromiseLike<T>) => void, reject: (reason: unknown) => void): void {
    let error: unknown;
    if (ok) {
      const thrown = this.#recordSuccess();
      if (thrown === undefined) return resolve(value as T);
      error = thrown.error;
    } else {
      error = this.#recordFailure(value);
    }
    if (this.#chain.retry === undefined) reject(error);
    else resolve(this.#retryOrReject(error));
  }

  abortedEarly(reason: unknown): Promise<T> {
    return this.failed(reason);
  }

  /** The breaker's bookkeeping for a success; what it threw, if it did (the layered path passes that on). */
  #recordSuccess(): { error: unknown } | undefined {
    const breaker = this.#chain.breaker;
    if (breaker === undefined) return undefined;
    try {
      breaker._settleAdmitted(true, undefined, this.#period, this.#start);
      return undefined;
    } catch (error) {
      return { error };
    }
  }

  /** The breaker's bookkeeping for a failure; returns the error the retry sees. */
  #recordFailure(error: unknown): unknown {
    const breaker = this.#chain.breaker;
    if (breaker === undefined) return error;
    try {
      breaker._settleAdmitted(false, error, this.#period, this.#start);
      return error;
    } catch (thrown) {
      return thrown;
    }
  }

  /** The retry decides (attempts 2.. run through the layered path), or the caller gets the error. */
  #retryOrReject(error: unknown): Promise<T> {
    const { retry, inner } = this.#chain;
    if (retry === undefined) return Promise.reject(error);
    const fn = this.#fn;
    const options = this.#options;
    const weight = options.weight;
    const next = (ctx: PolicyContext): Promise<T> =>
      inner(fn, weight === undefined ? ctx : new LayerOptions(ctx, ctx.attempt, weight), ctx.attempt, weight);
    return retry.executeAfterFailure(error, next, options);
  }
}

/** A fused wrap(retry?, breaker?, timeout); `layered` runs the same layers without fusing. */
class FusedChain {
  readonly retry: RetryPolicy | undefined;
  readonly breaker: CircuitBreakerPolicy | undefined;
  readonly timeout: TimeoutPolicy;
  /** The layers inside the retry, layered (attempts 2..). */
  readonly inner: Runner;
  readonly #layered: Runner;

  constructor(shape: Shape, layered: Runner, inner: Runner) {
    this.retry = shape.retry;
    this.breaker = shape.breaker;
    this.timeout = shape.timeout;
    this.#layered = layered;
    this.inner = inner;
  }

  readonly run: Runner = <T>(fn: Fn<T>, o: LayerExecuteOptions, attempt: number, weight: number | undefined): Promise<T> => {
    const breaker = this.breaker;
    // the signal the timeout listens to: layered, a breaker reads the caller's signal eagerly
    let outer: AbortSignal | undefined;
    if (breaker === undefined) {
      outer = peekSignal(o);
    } else {
      const signal = o.signal;
      outer = signal === NEVER_ABORTED_SIGNAL ? undefined : signal;
    }
    if (outer !== undefined && outer.aborted) return this.#layered(fn, o, attempt, weight);
    let period = -1;
    let start = Number.NaN;
    if (breaker !== undefined) {
      period = breaker._admitClosed();
      if (period < 0) return this.#layered(fn, o, attempt, weight);
      start = breaker._startTime();
    }
    // the context the layered path hands the timeout: the retry's first attempt, else the caller's
    const parent = this.retry === undefined ? o : o === NO_SIGNAL_OPTIONS ? FIRST_ATTEMPT_CONTEXT : new RetryContext(o, 1);
    const chained = new ChainCall<T>(this, fn, o, period, start);
    // the timeout's own body (TimeoutCall.run), with the breaker's and retry's parts as its outcome
    return new TimeoutCall<T>(this.timeout, parent, outer, chained).run(fn, chained);
  };
}

/**
 * The fused runner for `policies` when they are wrap(retry?, breaker?, timeout) built by Rampart's
 * factories, else undefined. `layered` runs all the layers unfused; `inner` those inside the retry.
 */
export function fusedRunner(policies: readonly Policy[], layered: Runner, inner: () => Runner): Runner | undefined {
  const shape = shapeOf(policies);
  return shape === undefined ? undefined : new FusedChain(shape, layered, inner()).run;
}
