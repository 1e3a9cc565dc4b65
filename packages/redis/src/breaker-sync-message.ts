import { CircuitState } from '@rampart/core';

/** What one process publishes when a shared breaker opens or closes. */
export interface BreakerSyncMessage {
  readonly version: 1;
  /** The publishing {@link RedisBreakerSync}'s random id: its own messages come back to it and are ignored. */
  readonly from: string;
  readonly name: string;
  readonly state: typeof CircuitState.Open | typeof CircuitState.Closed;
  /** Epoch ms of the transition; a message older than the receiving breaker's last transition is ignored. */
  readonly at: number;
  /** Opened by `isolate()`: stays open until reset. */
  readonly isolated: boolean;
  /** Epoch ms at which the open (not isolated) circuit admits probes. */
  readonly halfOpenAt?: number | undefined;
  /** Its number in the shared state (set by Redis when written; the latest stored transition has the highest). */
  readonly seq?: number | undefined;
}

const isTime = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** Parse a pub/sub payload; throws TypeError naming what is wrong. */
export function parseBreakerSyncMessage(payload: string): BreakerSyncMessage {
  const m = JSON.parse(payload) as Record<string, unknown> | null;
  const bad = (field: string): never => {
    throw new TypeError(`breaker sync message: invalid ${field}`);
  };
  if (typeof m !== 'object' || m === null) return bad('payload');
  if (m.version !== 1) bad('version');
  if (typeof m.from !== 'string') bad('from');
  if (typeof m.name !== 'string' || m.name.length === 0) bad('name');
  if (m.state !== CircuitState.Open && m.state !== CircuitState.Closed) bad('state');
  if (!isTime(m.at)) bad('at');
  if (typeof m.isolated !== 'boolean' || (m.isolated && m.state !== CircuitState.Open)) bad('isolated');
  if (m.state === CircuitState.Open && !m.isolated && !isTime(m.halfOpenAt)) bad('halfOpenAt');
  if (m.seq !== undefined && (!Number.isInteger(m.seq) || (m.seq as number) < 1)) bad('seq');
  return m as unknown as BreakerSyncMessage;
}
