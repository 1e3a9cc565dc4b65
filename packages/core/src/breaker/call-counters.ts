import type { BreakerCounters } from './breaker-snapshot.js';

/** A circuit's lifetime call counters. `calls = successes + failures + ignored`; rejections are apart. */
export class CallCounters implements BreakerCounters {
  calls = 0;
  successes = 0;
  failures = 0;
  ignored = 0;
  rejections = 0;
  slowCalls = 0;

  /** Record a settled call: a success, a counted failure, or an ignored (uncounted) failure. */
  record(ok: boolean, counted: boolean, slow: boolean): void {
    this.calls++;
    if (ok) this.successes++;
    else if (counted) this.failures++;
    else this.ignored++;
    if (slow) this.slowCalls++;
  }

  /** Successes over counted calls; 1 before any. */
  get successRate(): number {
    const decided = this.successes + this.failures;
    return decided === 0 ? 1 : this.successes / decided;
  }

  /** Counted failures over counted calls; 0 before any. */
  get failureRate(): number {
    const decided = this.successes + this.failures;
    return decided === 0 ? 0 : this.failures / decided;
  }

  toJSON(): BreakerCounters {
    const { calls, successes, failures, ignored, rejections, slowCalls } = this;
    return { calls, successes, failures, ignored, rejections, slowCalls };
  }

  load(c: BreakerCounters): void {
    ({
      calls: this.calls,
      successes: this.successes,
      failures: this.failures,
      ignored: this.ignored,
      rejections: this.rejections,
      slowCalls: this.slowCalls,
    } = c);
  }
}
