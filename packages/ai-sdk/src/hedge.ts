/** Options of hedging across models (`createResilientModel({ hedging })`). */
export interface HedgingOptions {
  /**
   * How long the first model may take before the next available model is asked beside it, ms; the
   * first answer wins and the other request is aborted. Default `'auto'`: three times the model's
   * median latency over its last 100 answers (at least 50 ms), and 1,000 ms until it has answered 10
   * times. The median, not a high percentile: in a brownout the slow tail fills the p90 itself (10% of
   * calls at 5 s make the p90 5 s), and a delay taken from it would never start a hedge.
   */
  delayMs?: number | 'auto';
  /** Cap on extra requests, as a percentage of calls (a hedge is started only while within it). Default 20: at most 1.2 requests per call. */
  maxExtraPercent?: number;
}

const WINDOW = 100;
/** Floor of the automatic delay: below it, scheduling jitter alone would start hedges. */
const MIN_DELAY_MS = 50;
const MIN_SAMPLES = 10;

/** The latencies of a model's last 100 answers, for its hedging delay. */
export class LatencyWindow {
  readonly #samples: number[] = [];
  #next = 0;
  #median: number | undefined;

  record(ms: number): void {
    if (this.#samples.length < WINDOW) this.#samples.push(ms);
    else this.#samples[this.#next] = ms;
    this.#next = (this.#next + 1) % WINDOW;
    this.#median = undefined;
  }

  /** The median of the window; undefined below 10 samples. */
  median(): number | undefined {
    if (this.#samples.length < MIN_SAMPLES) return undefined;
    if (this.#median === undefined) {
      const sorted = [...this.#samples].sort((a, b) => a - b);
      this.#median = sorted[Math.floor(sorted.length / 2)]!;
    }
    return this.#median;
  }
}

/** Resolved hedging: the delay for a model's latencies, and a budget of extra requests. */
export class HedgePlan {
  readonly #delayMs: number | 'auto';
  readonly #maxExtraPercent: number;
  #calls = 0;
  #hedges = 0;

  constructor(options: HedgingOptions) {
    this.#delayMs = options.delayMs ?? 'auto';
    this.#maxExtraPercent = options.maxExtraPercent ?? 20;
  }

  delayFor(latencies: LatencyWindow): number {
    if (this.#delayMs !== 'auto') return this.#delayMs;
    const median = latencies.median();
    return median === undefined ? 1_000 : Math.max(MIN_DELAY_MS, 3 * median);
  }

  /** Count a call; true when a hedge for it would stay within the cap. */
  admit(): boolean {
    this.#calls++;
    return this.#hedges * 100 < this.#calls * this.#maxExtraPercent;
  }

  /** Count a hedge actually sent. */
  hedged(): void {
    this.#hedges++;
  }

  /** Extra requests so far, per call (for stats and tests). */
  get extraPerCall(): number {
    return this.#calls === 0 ? 0 : this.#hedges / this.#calls;
  }
}
