import type { ResourceReport } from '../health/health-report.js';
import { ResourceStatus, STATUS_SEVERITY } from '../resource/resource-types.js';

interface Entry {
  readonly token: object;
  /** `creating`: the monitor is being created; `registered`: it waits for its first check. */
  stage: 'creating' | 'registered';
  reason: string;
  /** Wall-clock epoch ms of the registration. */
  readonly since: number;
  report: Readonly<ResourceReport> | undefined;
}

type ReportView = { resources: Readonly<Record<string, Readonly<ResourceReport>>>; worst: ResourceStatus };

/**
 * Monitor registrations that complete asynchronously (`registerMcpMonitor`, which may import
 * @rampart/mcp first): the promises `start()`, `checkNow()` and `stop()` wait for, and, until the
 * monitor's first check completes, a `pending` entry (flagged `pending: true`) with the reason, which
 * the health report shows under the monitor's key. Routing decisions never see these entries (a
 * monitor counts once it has reported).
 */
export class PendingRegistrations {
  readonly #entries = new Map<string, Entry>();
  readonly #promises = new Set<Promise<unknown>>();

  get size(): number {
    return this.#promises.size;
  }

  /** A registration of `key` starts (replacing any earlier pending one); returns its token. */
  begin(key: string, wallNow: number, reason: string): object {
    const token = {};
    this.#entries.set(key, { token, stage: 'creating', reason, since: wallNow, report: undefined });
    return token;
  }

  /**
   * The monitor of the registration `token` is ready to register; it stays pending until its first
   * check, with `reason`. Returns false when the registration was superseded (the name registered
   * again) or dropped (unregistered) meanwhile: its monitor must not be registered then.
   */
  registered(key: string, token: object, reason: string): boolean {
    const e = this.#entries.get(key);
    if (e?.token !== token) return false;
    e.stage = 'registered';
    e.reason = reason;
    e.report = undefined;
    return true;
  }

  /** Forget the pending entry of `key` (its monitor was unregistered; a creation in progress is discarded). */
  drop(key: string): void {
    this.#entries.delete(key);
  }

  /** Keep `promise` until it settles, for {@link settle}. */
  track(promise: Promise<unknown>): void {
    this.#promises.add(promise);
    void promise.finally(() => this.#promises.delete(promise));
  }

  /** Wait until every tracked registration has settled (including ones made while waiting). */
  async settle(): Promise<void> {
    while (this.#promises.size > 0) await Promise.allSettled([...this.#promises]);
  }

  /**
   * The report view with a pending entry for each registration whose monitor has not completed a
   * check (`checked(key)` false), counted in the worst status. Returns `view` itself when there is none.
   */
  merge(view: ReportView, checked: (key: string) => boolean): ReportView {
    if (this.#entries.size === 0) return view;
    let resources: Record<string, Readonly<ResourceReport>> | undefined;
    let worst = view.worst;
    for (const [key, e] of this.#entries) {
      if (e.stage === 'registered' && checked(key)) {
        this.#entries.delete(key);
        continue;
      }
      e.report ??= Object.freeze({
        status: ResourceStatus.PENDING,
        checked_at: new Date(e.since).toISOString(),
        duration_ms: 0,
        error: e.reason,
        pending: true,
      } satisfies ResourceReport);
      resources ??= { ...view.resources };
      resources[key] = e.report;
      if (STATUS_SEVERITY[ResourceStatus.PENDING] > STATUS_SEVERITY[worst]) worst = ResourceStatus.PENDING;
    }
    return resources === undefined ? view : { resources: Object.freeze(resources), worst };
  }
}
