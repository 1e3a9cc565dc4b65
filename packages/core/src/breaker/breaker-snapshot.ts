import { ConfigError } from '../errors/config-error.js';
import type { BreakerWindowSnapshot } from './breaker.js';
import { CircuitState } from './circuit-state.js';

/** A circuit breaker's state as plain JSON, for persistence (the manager's store writes it). */
export interface BreakerSnapshot {
  readonly version: 1;
  readonly name: string;
  readonly state: CircuitState;
  /** Opened by `isolate()`: stays open until `reset()`. */
  readonly isolated: boolean;
  /** Epoch ms at which an open (not isolated) circuit admits probes. */
  readonly halfOpenAt?: number | undefined;
  /** Epoch ms of the last state change, if any. */
  readonly lastTransitionAt?: number | undefined;
  /** Epoch ms at which the snapshot was taken (time-window buckets are relative to it). */
  readonly takenAt: number;
  readonly counters: BreakerCounters;
  /** The breaker kind's recorded outcomes. */
  readonly window: BreakerWindowSnapshot;
}

/** Lifetime call counters. `calls = successes + failures + ignored`; rejected calls are not calls. */
export interface BreakerCounters {
  readonly calls: number;
  readonly successes: number;
  readonly failures: number;
  /** Failed calls whose error did not count (`shouldCount` said no: a permanent error by default). */
  readonly ignored: number;
  readonly rejections: number;
  /** Counted calls (successes or failures) that lasted at least the breaker's `slowCallDurationMs`. */
  readonly slowCalls: number;
}

const STATES: ReadonlySet<unknown> = new Set(Object.values(CircuitState));
const COUNTERS = ['calls', 'successes', 'failures', 'ignored', 'rejections', 'slowCalls'] as const;

const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
const isTime = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** Check that `value` (read back from JSON) is a {@link BreakerSnapshot}; throws ConfigError naming the bad field. */
export function parseBreakerSnapshot(value: unknown): BreakerSnapshot {
  const bad = (field: string, v: unknown): never => {
    throw new ConfigError(`snapshot.${field}`, 'is not a valid circuit breaker snapshot field', v);
  };
  if (typeof value !== 'object' || value === null) return bad('', value);
  const s = value as Record<string, unknown>;
  if (s.version !== 1) bad('version', s.version);
  if (typeof s.name !== 'string') bad('name', s.name);
  if (!STATES.has(s.state)) bad('state', s.state);
  if (typeof s.isolated !== 'boolean') bad('isolated', s.isolated);
  if (s.isolated === true && s.state !== CircuitState.Open) bad('isolated', s.isolated);
  if (s.state === CircuitState.Open && s.isolated === false && !isTime(s.halfOpenAt)) bad('halfOpenAt', s.halfOpenAt);
  if (s.lastTransitionAt !== undefined && !isTime(s.lastTransitionAt)) bad('lastTransitionAt', s.lastTransitionAt);
  if (!isTime(s.takenAt)) bad('takenAt', s.takenAt);
  const c = s.counters as Record<string, unknown> | null;
  if (typeof c !== 'object' || c === null) return bad('counters', c);
  for (const k of COUNTERS) if (!isCount(c[k])) bad(`counters.${k}`, c[k]);
  const n = c as unknown as BreakerCounters;
  if (n.calls !== n.successes + n.failures + n.ignored) bad('counters.calls', n.calls);
  const w = s.window as Record<string, unknown> | null;
  if (typeof w !== 'object' || w === null || typeof w.kind !== 'string') bad('window', w);
  return value as BreakerSnapshot;
}
