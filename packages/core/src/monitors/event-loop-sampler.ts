import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import { round2 } from './monitor-options.js';

/** Sampling interval of the event-loop delay histogram, in ms (Node's default). */
export const EVENT_LOOP_RESOLUTION_MS = 10;

/** Event-loop figures since the previous sample. Missing when there is no data yet. */
export interface EventLoopSample {
  /** 99th percentile of the delay beyond the sampling interval, ms. */
  delayP99Ms?: number;
  /** Mean delay beyond the sampling interval, ms. */
  delayMeanMs?: number;
  /** Worst delay beyond the sampling interval, ms. */
  delayMaxMs?: number;
  /** Fraction of the time the event loop was busy (0–1). */
  utilization?: number;
}

const NS_PER_MS = 1e6;
const lagMs = (ns: number) => round2(Math.max(0, ns / NS_PER_MS - EVENT_LOOP_RESOLUTION_MS));

/**
 * Event-loop delay (`perf_hooks.monitorEventLoopDelay`) and utilisation
 * (`performance.eventLoopUtilization`) between calls to {@link sample}. The delay histogram is
 * enabled on the first sample, reset by each one and disabled by {@link close}; it keeps no process
 * alive. The histogram records the whole interval between its timer ticks; the figures here subtract
 * the sampling interval, so an idle loop reports about 0 ms.
 */
export class EventLoopSampler {
  #histogram: IntervalHistogram | undefined;
  #elu: EventLoopUtilization | undefined;

  /** True while the delay histogram is enabled. */
  get enabled(): boolean {
    return this.#histogram !== undefined;
  }

  sample(): EventLoopSample {
    const result: EventLoopSample = {};
    const h = this.#histogram;
    if (h === undefined) {
      this.#histogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
      this.#histogram.enable();
    } else {
      if (h.count > 0) {
        result.delayP99Ms = lagMs(h.percentile(99));
        result.delayMeanMs = lagMs(h.mean);
        result.delayMaxMs = lagMs(h.max);
      }
      h.reset();
    }
    const now = performance.eventLoopUtilization();
    if (this.#elu !== undefined) {
      const delta = performance.eventLoopUtilization(now, this.#elu);
      if (delta.idle + delta.active > 0) result.utilization = Math.round(delta.utilization * 1000) / 1000;
    }
    this.#elu = now;
    return result;
  }

  /** Disable the histogram. A later {@link sample} starts afresh. */
  close(): void {
    this.#histogram?.disable();
    this.#histogram = undefined;
    this.#elu = undefined;
  }
}
