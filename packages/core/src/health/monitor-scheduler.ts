import type { Clock, TimerHandle } from '../clock/clock.js';
import { deadline } from '../clock/deadline.js';
import { EventEmitter } from '../events/event.js';
import type { MonitorCheckResult, ResourceMonitor } from '../resource/monitor.js';
import type { ResourceTypeName } from '../resource/resource-type-name.js';
import { ResourceStatus, STATUS_SEVERITY, worstStatus } from '../resource/resource-types.js';
import type { ResourceReport } from './health-report.js';
import type { HysteresisOptions } from './hysteresis.js';
import { MonitorState, type MonitorSnapshot } from './monitor-state.js';
import { redactDetails, redactString } from './redact.js';

/** Options of {@link MonitorScheduler}. */
export interface MonitorSchedulerOptions {
  /** Time between the starts of two check rounds, ms. */
  intervalMs: number;
  /** A check that has not settled after this long reports `unavailable`, ms. */
  checkTimeoutMs: number;
  hysteresis: Readonly<HysteresisOptions>;
  clock: Clock;
}

/** A monitor's reported status changed. */
export interface MonitorStatusChange {
  readonly key: string;
  readonly resourceType: ResourceTypeName;
  readonly name: string;
  readonly from: ResourceStatus | undefined;
  readonly to: ResourceStatus;
  readonly snapshot: MonitorSnapshot;
}

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * Runs every registered monitor's check concurrently each `intervalMs`, each with its own timeout
 * (a hung or throwing check reports `unavailable` and never delays the others), debounces statuses
 * with hysteresis, and keeps the last completed result of each for cheap reads. One timer, unref'ed
 * by the clock, released by {@link stop}.
 */
export class MonitorScheduler {
  readonly #options: Readonly<MonitorSchedulerOptions>;
  readonly #states = new Map<string, MonitorState>();
  readonly #byType = new Map<ResourceTypeName, Set<MonitorState>>();
  readonly #statusChange = new EventEmitter<MonitorStatusChange>();
  readonly #roundComplete = new EventEmitter<{ readonly at: number }>();
  readonly #pendingChecks = new Set<Promise<void>>();
  #timer: TimerHandle | undefined;
  #version = 0;
  #records = 0;
  #view: { records: number; resources: Readonly<Record<string, Readonly<ResourceReport>>>; worst: ResourceStatus } | undefined;
  #running = false;
  #round: Promise<void> | undefined;

  /** Fires when a monitor's reported (debounced) status changes, including its first reading. */
  readonly onStatusChange = this.#statusChange.event;
  /** Fires after every completed round of checks. */
  readonly onRoundComplete = this.#roundComplete.event;

  constructor(options: Readonly<MonitorSchedulerOptions>) {
    this.#options = options;
  }

  get size(): number {
    return this.#states.size;
  }

  /** Changes whenever a reported status changes or a monitor is (un)registered: for caching aggregates. */
  get version(): number {
    return this.#version;
  }

  /** Register a monitor under `${resourceType}:${name}`, replacing (and closing) any with that key. */
  register(monitor: ResourceMonitor): string {
    const state = new MonitorState(monitor, this.#options.hysteresis);
    const previous = this.#states.get(state.key);
    if (previous) this.#remove(previous);
    this.#states.set(state.key, state);
    let set = this.#byType.get(monitor.resourceType);
    if (!set) this.#byType.set(monitor.resourceType, (set = new Set()));
    set.add(state);
    this.#version++;
    if (this.#running) this.#track(this.#check(state));
    return state.key;
  }

  /** Unregister and close a monitor; returns whether it was registered. */
  unregister(key: string): boolean {
    const state = this.#states.get(key);
    if (!state) return false;
    this.#remove(state);
    return true;
  }

  get(key: string): MonitorSnapshot | undefined {
    return this.#states.get(key)?.snapshot;
  }

  /** Last completed snapshot of every monitor that has been checked. */
  *snapshots(): IterableIterator<MonitorSnapshot> {
    for (const s of this.#states.values()) if (s.snapshot) yield s.snapshot;
  }

  /**
   * Every checked monitor's report entry, keyed `${type}:${name}`, and their worst status. Built
   * once per completed check (frozen, then shared), so health reports cost O(1) between checks.
   */
  reportView(): { resources: Readonly<Record<string, Readonly<ResourceReport>>>; worst: ResourceStatus } {
    const records = this.#records + this.#version;
    if (this.#view?.records === records) return this.#view;
    const resources: Record<string, Readonly<ResourceReport>> = {};
    let worst = ResourceStatus.HEALTHY;
    for (const s of this.#states.values()) {
      if (!s.snapshot) continue;
      resources[s.key] = s.snapshot.report;
      if (STATUS_SEVERITY[s.snapshot.status] > STATUS_SEVERITY[worst]) worst = s.snapshot.status;
    }
    this.#view = { records, resources: Object.freeze(resources), worst };
    return this.#view;
  }

  /** Whether any monitor of that type is registered. */
  hasMonitors(type: ResourceTypeName): boolean {
    return (this.#byType.get(type)?.size ?? 0) > 0;
  }

  /** Worst reported status among that type's checked monitors (healthy if none), optionally filtered. */
  statusOf(type: ResourceTypeName, include?: (name: string) => boolean): ResourceStatus {
    const set = this.#byType.get(type);
    if (!set) return ResourceStatus.HEALTHY;
    let worst = ResourceStatus.HEALTHY;
    for (const s of set) {
      const st = s.status;
      if (st !== undefined && (!include || include(s.monitor.name))) worst = worstStatus([worst, st]);
    }
    return worst;
  }

  /** Run a first round, then one every `intervalMs`. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.#runRound();
  }

  /** Run a round now (after any round in progress and any pending single checks). */
  async checkNow(): Promise<void> {
    await this.#round;
    await Promise.all(this.#pendingChecks);
    await this.#runRound();
  }

  /** Clear the timer, abort checks in flight, and close every monitor. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const s of this.#states.values()) s.controller?.abort(new Error('monitoring stopped'));
    await this.#round;
    await Promise.all(this.#pendingChecks);
    const states = [...this.#states.values()];
    await Promise.allSettled(states.map((s) => s.monitor.close?.()));
  }

  #remove(state: MonitorState): void {
    this.#states.delete(state.key);
    this.#byType.get(state.monitor.resourceType)?.delete(state);
    this.#version++;
    state.controller?.abort(new Error('monitor unregistered'));
    void Promise.resolve()
      .then(() => state.monitor.close?.())
      .catch(() => undefined);
  }

  #track(p: Promise<void>): void {
    this.#pendingChecks.add(p);
    void p.finally(() => this.#pendingChecks.delete(p));
  }

  /**
   * A round that start() or checkNow() awaits is a foreground wait (its check deadlines hold the
   * process); the interval's rounds, which nobody awaits, are `background`.
   */
  #runRound(background = false): Promise<void> {
    if (this.#timer !== undefined) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const startedAt = this.#options.clock.now();
    const round = (async () => {
      await Promise.all([...this.#states.values()].map((s) => this.#check(s, background)));
      this.#roundComplete.fire({ at: this.#options.clock.wallNow() });
    })();
    this.#round = round.finally(() => {
      if (this.#round === tracked) this.#round = undefined;
      if (this.#running && this.#timer === undefined) {
        const delay = Math.max(0, startedAt + this.#options.intervalMs - this.#options.clock.now());
        this.#timer = this.#options.clock.setBackgroundTimeout(() => {
          this.#timer = undefined;
          if (this.#running && !this.#round) void this.#runRound(true);
        }, delay);
      }
    });
    const tracked = this.#round;
    return tracked;
  }

  async #check(state: MonitorState, background = true): Promise<void> {
    const { clock, checkTimeoutMs } = this.#options;
    state.controller?.abort(new Error('superseded by a newer check'));
    const controller = new AbortController();
    state.controller = controller;
    const started = clock.now();
    // a background check's deadline does not keep the process alive by itself
    const limit = deadline(clock, checkTimeoutMs, {
      signal: controller.signal,
      background,
      error: () => new Error(`check timed out after ${checkTimeoutMs} ms`),
    });
    let reading: { result?: MonitorCheckResult; error?: string };
    let superseded = false;
    try {
      const result = await limit.race(Promise.resolve().then(() => state.monitor.check(limit.signal)));
      reading = { result };
    } catch (err) {
      reading = { error: describeError(limit.signal.aborted ? limit.signal.reason : err) };
    } finally {
      limit.dispose();
      if (state.controller === controller) state.controller = undefined;
      else superseded = true;
    }
    if (superseded || this.#states.get(state.key) !== state) return; // a newer check reports, or unregistered
    if (controller.signal.aborted && !this.#running && reading.result === undefined) return; // stopped
    const { from, to } = state.record(reading, clock.wallNow(), clock.now() - started, redactDetails, redactString);
    this.#records++;
    if (from !== to) {
      this.#version++;
      this.#statusChange.fire({
        key: state.key,
        resourceType: state.monitor.resourceType,
        name: state.monitor.name,
        from,
        to,
        snapshot: state.snapshot!,
      });
    }
  }
}
