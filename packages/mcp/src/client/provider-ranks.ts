/** The provider name of the offline responder: the last target ("Primary → Secondary → Mock"). */
export const MCP_OFFLINE_PROVIDER = 'mock';

/**
 * The MCP_SERVER provider name of the endpoint at `index` of a logical server's list:
 * `primary`, `secondary`, then `fallback3`, `fallback4`, …
 */
export function rankName(index: number): string {
  if (index === 0) return 'primary';
  if (index === 1) return 'secondary';
  return `fallback${index + 1}`;
}

/** The endpoint index a provider name stands for, or undefined when it is not a rank name. */
export function rankIndex(provider: string): number | undefined {
  if (provider === 'primary') return 0;
  if (provider === 'secondary') return 1;
  const m = /^fallback([3-9]|[1-9]\d+)$/.exec(provider);
  return m ? Number(m[1]) - 1 : undefined;
}

/**
 * The MCP_SERVER provider list the manager should hold: every rank up to the longest endpoint list
 * (here or already registered), other names already registered, and the offline provider last.
 */
export function mergeProviders(current: readonly string[], endpointCount: number, offline: boolean): string[] {
  let ranks = endpointCount;
  const others: string[] = [];
  for (const name of current) {
    const index = rankIndex(name);
    if (index !== undefined) ranks = Math.max(ranks, index + 1);
    else if (name !== MCP_OFFLINE_PROVIDER) others.push(name);
  }
  const merged = Array.from({ length: ranks }, (_, i) => rankName(i)).concat(others);
  if (offline || current.includes(MCP_OFFLINE_PROVIDER)) merged.push(MCP_OFFLINE_PROVIDER);
  return merged;
}
