import { checkFaults, mulberry32, type MockFault } from './mock-faults.js';

/** Rate-limit headers that count down with every answered request. */
export interface MockQuotaOptions {
  /** Requests per window (sent as `x-ratelimit-limit-requests` / `anthropic-ratelimit-requests-limit`). */
  requestsLimit: number;
  /** Tokens per window. Default 1,000,000. */
  tokensLimit?: number;
  /** Time until the window resets, as reported in the reset headers. Default 60,000. */
  resetMs?: number;
  /** Answer 429 once the requests run out (until {@link MockProviderControl.resetQuota}). Default true. */
  exhaust?: boolean;
}

/** Options of one named provider of the mock server. */
export interface MockProviderOptions {
  /** When set, requests with another key get 401. */
  apiKey?: string;
  /** Delay before each answer (real milliseconds). */
  latencyMs?: number;
  /** Requests whose input has more tokens (words) than this get the context-length error. */
  contextWindowTokens?: number;
  quota?: MockQuotaOptions;
}

/** Counters and limits of a quota window at one moment. */
export interface MockQuotaState {
  requestsLimit: number;
  requestsRemaining: number;
  tokensLimit: number;
  tokensRemaining: number;
  resetMs: number;
}

/**
 * Scripted behaviour of one named provider of the mock server: a queue of faults (served first, one
 * per request; `'ok'` entries let a request through), then a seeded fault rate, plus latency, an API
 * key check, a context window and counting-down rate-limit headers.
 */
export class MockProviderControl {
  readonly name: string;
  #queue: Array<MockFault | 'ok'> = [];
  #rate = 0;
  #mix: MockFault[] = [];
  #random: () => number = mulberry32(1);
  #options: MockProviderOptions = {};
  #quota: MockQuotaState | undefined;

  constructor(name: string, options: MockProviderOptions = {}) {
    this.name = name;
    this.configure(options);
  }

  /** Replace the provider's options (API key, latency, context window, quota). */
  configure(options: MockProviderOptions): this {
    this.#options = { ...options };
    this.#quota = undefined;
    if (options.quota) this.setQuota(options.quota);
    return this;
  }

  /** Queue faults for the next requests, in order. */
  enqueue(...faults: Array<MockFault | 'ok'>): this {
    checkFaults('enqueue', faults, true);
    this.#queue.push(...faults);
    return this;
  }

  /** Fail `rate` (0–1) of the requests not covered by the queue with a fault drawn from `mix`. */
  setFaultRate(rate: number, mix: MockFault[], seed = 1): this {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`rate must be between 0 and 1, got ${rate}`);
    if (rate > 0 && mix.length === 0) throw new RangeError('mix must name at least one fault');
    checkFaults('setFaultRate.mix', mix, false);
    this.#rate = rate;
    this.#mix = [...mix];
    this.#random = mulberry32(seed);
    return this;
  }

  setLatency(latencyMs: number): this {
    this.#options = { ...this.#options, latencyMs };
    return this;
  }

  setQuota(quota: MockQuotaOptions | undefined): this {
    this.#options = { ...this.#options, quota };
    this.#quota = quota && {
      requestsLimit: quota.requestsLimit,
      requestsRemaining: quota.requestsLimit,
      tokensLimit: quota.tokensLimit ?? 1_000_000,
      tokensRemaining: quota.tokensLimit ?? 1_000_000,
      resetMs: quota.resetMs ?? 60_000,
    };
    return this;
  }

  /** Refill the quota window (the mock never refills by itself, so tests stay deterministic). */
  resetQuota(): this {
    return this.setQuota(this.#options.quota);
  }

  /** Clear queue, fault rate, quota, latency, key and context window. */
  reset(): void {
    this.#queue = [];
    this.#rate = 0;
    this.#mix = [];
    this.configure({});
  }

  get pendingFaults(): number {
    return this.#queue.length;
  }

  get options(): Readonly<MockProviderOptions> {
    return this.#options;
  }

  /** @internal The fault for the next request, if any. */
  nextFault(): MockFault | undefined {
    const queued = this.#queue.shift();
    if (queued !== undefined) return queued === 'ok' ? undefined : queued;
    if (this.#rate > 0 && this.#random() < this.#rate) {
      return this.#mix[Math.floor(this.#random() * this.#mix.length)];
    }
    return undefined;
  }

  /** @internal The quota before the request; undefined when no quota is configured. */
  get quota(): Readonly<MockQuotaState> | undefined {
    return this.#quota;
  }

  /** @internal True when the quota is configured to 429 and has run out. */
  get quotaExhausted(): boolean {
    return this.#quota !== undefined && this.#options.quota?.exhaust !== false && this.#quota.requestsRemaining <= 0;
  }

  /** @internal Count one answered request and its tokens against the quota. */
  consumeQuota(tokens: number): void {
    if (!this.#quota) return;
    this.#quota.requestsRemaining = Math.max(0, this.#quota.requestsRemaining - 1);
    this.#quota.tokensRemaining = Math.max(0, this.#quota.tokensRemaining - tokens);
  }
}
