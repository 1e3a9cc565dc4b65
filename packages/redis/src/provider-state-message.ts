/** What one process publishes when one of its providers is cooled down (a 429's retry-after, a failure, a monitor's down verdict). */
export interface ProviderStateMessage {
  readonly version: 1;
  /** The publishing sharer's random id (its own messages come back to it and are ignored). */
  readonly from: string;
  readonly team: string;
  readonly resource: string;
  readonly provider: string;
  /** Epoch ms until which the provider is skipped; a later deadline wins. */
  readonly until: number;
  /** Why: a cooldown reported in that process, or its monitor's down verdict. */
  readonly reason: 'cooldown' | 'monitor_down';
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Parse a pub/sub payload or stored field; throws TypeError naming what is wrong. */
export function parseProviderStateMessage(payload: string): ProviderStateMessage {
  const m = JSON.parse(payload) as Record<string, unknown> | null;
  const bad = (field: string): never => {
    throw new TypeError(`provider state message: invalid ${field}`);
  };
  if (typeof m !== 'object' || m === null) return bad('payload');
  if (m.version !== 1) bad('version');
  for (const field of ['from', 'team', 'resource', 'provider'] as const) if (!isText(m[field])) bad(field);
  if (typeof m.until !== 'number' || !Number.isFinite(m.until)) bad('until');
  if (m.reason !== 'cooldown' && m.reason !== 'monitor_down') bad('reason');
  return m as unknown as ProviderStateMessage;
}
