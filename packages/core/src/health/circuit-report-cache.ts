import type { CircuitBreakerPolicy } from '../breaker/circuit-breaker-policy.js';
import type { CircuitBreakerRegistry } from '../breaker/circuit-breaker-registry.js';
import { CircuitState } from '../breaker/circuit-state.js';
import { circuitReport, type CircuitRow, type CircuitSection } from './circuit-section.js';
import type { CircuitReport } from './health-report.js';

/** A named breaker's row, read from the breaker (the only place its state and counters are kept). */
function namedRow(b: CircuitBreakerPolicy): CircuitReport {
  const s = b.stats;
  return circuitReport({ name: b.name, state: s.state, successRate: s.successRate, failureRate: s.failureRate, calls: s.calls, failures: s.failures, rejections: s.rejections, halfOpenAt: b.halfOpenAt });
}

/**
 * One manager's `circuits` section, kept up to date instead of rebuilt: its own rows (a handful,
 * rebuilt on each report) first, then the process's named breakers, of which only those that
 * changed since the last report are read again (the registry's change log says which), plus the
 * open ones, whose half-open time may have come. So a report costs the same with 100 or 10,000
 * named breakers when few of them change between reports.
 *
 * Each report gets a frozen `circuits` record that never changes afterwards: when nothing changed
 * since the previous report, the same frozen record again (no copy); otherwise a shallow copy of the
 * kept rows (rows are immutable objects, replaced when their breaker changes).
 */
export class CircuitReportCache {
  readonly #registry: CircuitBreakerRegistry;
  #position = -1;
  #record: Record<string, CircuitReport> = {};
  /** The manager's own row names, in order, as last written. */
  #ownNames: string[] = [];
  /** Named rows, in creation order. */
  readonly #named = new Map<string, CircuitReport>();
  #namedNotClosed = 0;
  /** Named breakers shown open with a half-open time: read again on every report. */
  readonly #timed = new Set<CircuitBreakerPolicy>();
  /** What the last report got (frozen), and whether the kept rows changed since. */
  #snapshot: Readonly<Record<string, CircuitReport>> | undefined = undefined;
  #dirty = true;
  /** The manager's own rows as last written, to tell whether they changed. */
  #ownJson = '';

  constructor(registry: CircuitBreakerRegistry) {
    this.#registry = registry;
  }

  /** The section with `own` rows (the manager's circuits) first, then every named breaker's. */
  update(own: Iterable<CircuitRow>): CircuitSection {
    const ownRows: Array<[string, CircuitReport]> = [];
    let notClosed = 0;
    for (const c of own) {
      ownRows.push([c.name, circuitReport(c)]);
      if (c.state !== CircuitState.Closed) notClosed++;
    }
    let rebuild = ownRows.length !== this.#ownNames.length || ownRows.some(([name], i) => name !== this.#ownNames[i]);
    if (this.#readNamed()) rebuild = true;
    const ownJson = JSON.stringify(ownRows);
    if (ownJson !== this.#ownJson) {
      this.#ownJson = ownJson;
      this.#dirty = true;
    }
    if (rebuild) this.#dirty = true;
    if (rebuild) {
      this.#record = {};
      this.#ownNames = ownRows.map(([name]) => name);
      for (const [name, row] of ownRows) this.#record[name] = row;
      for (const [name, row] of this.#named) this.#record[name] = row;
    } else {
      // a named breaker of the same name as one of the manager's rows wins, as it always did
      for (const [name, row] of ownRows) if (!this.#named.has(name)) this.#record[name] = row;
    }
    if (this.#dirty || this.#snapshot === undefined) {
      this.#snapshot = Object.freeze({ ...this.#record });
      this.#dirty = false;
    }
    return { record: this.#snapshot, notClosed: notClosed + this.#namedNotClosed };
  }

  /** Bring the named rows up to date; true when the record must be rebuilt (the log was cleared or outrun). */
  #readNamed(): boolean {
    const seen = new Set<CircuitBreakerPolicy>();
    for (const b of this.#timed) this.#refresh(b, seen);
    let resync = false;
    for (;;) {
      const { changed, position } = this.#registry.changes.read(this.#position);
      this.#position = position;
      if (changed === undefined) {
        this.#resync(seen);
        resync = true;
      } else {
        for (const b of changed) this.#refresh(b, seen);
      }
      if (this.#position === this.#registry.changes.end) return resync;
    }
  }

  /** Read every named breaker afresh. */
  #resync(seen: Set<CircuitBreakerPolicy>): void {
    this.#named.clear();
    this.#timed.clear();
    this.#namedNotClosed = 0;
    for (const b of this.#registry.list()) {
      seen.add(b);
      this.#set(b, namedRow(b));
    }
  }

  /** Read `b` again (once per update), or drop its row when it left the registry. */
  #refresh(logged: CircuitBreakerPolicy, seen: Set<CircuitBreakerPolicy>): void {
    const b = this.#registry.get(logged.name);
    if (b !== logged) this.#timed.delete(logged); // removed, or replaced by a breaker of the same name
    if (b === undefined) {
      const old = this.#named.get(logged.name);
      if (old === undefined) return;
      if (old.state !== CircuitState.Closed) this.#namedNotClosed--;
      this.#named.delete(logged.name);
      delete this.#record[logged.name];
      this.#dirty = true;
      return;
    }
    if (seen.has(b)) return;
    seen.add(b);
    const row = namedRow(b);
    const old = this.#named.get(b.name);
    if (old === undefined || JSON.stringify(old) !== JSON.stringify(row)) this.#dirty = true;
    if (old !== undefined && old.state !== CircuitState.Closed) this.#namedNotClosed--;
    this.#set(b, row);
    this.#record[b.name] = row;
  }

  #set(b: CircuitBreakerPolicy, row: CircuitReport): void {
    this.#named.set(b.name, row);
    if (row.state !== CircuitState.Closed) this.#namedNotClosed++;
    if (row.state === CircuitState.Open && row.half_open_at !== undefined) this.#timed.add(b);
    else this.#timed.delete(b);
  }
}
