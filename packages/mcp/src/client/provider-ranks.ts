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
 * (ResilientMCPClient no longer registers ranks: its calls name their own qualified providers, see
 * {@link qualifiedProviders}. Kept for teams that register rank names themselves.)
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

/**
 * The qualified MCP_SERVER providers of one logical server, in order: `${server}/primary`,
 * `${server}/secondary`, `${server}/fallback3`… (one per endpoint), then `${server}/mock` when it
 * has an offline responder. ResilientMCPClient passes this list with each call, so cooldowns,
 * circuit breakers and monitors are kept per logical server.
 */
export function qualifiedProviders(server: string, endpointCount: number, offline: boolean): readonly string[] {
  const names = Array.from({ length: endpointCount }, (_, i) => `${server}/${rankName(i)}`);
  if (offline) names.push(`${server}/${MCP_OFFLINE_PROVIDER}`);
  return Object.freeze(names);
}

/** What a provider name stands for, for one logical server: an endpoint index or its offline responder. */
export type McpTarget = { readonly kind: 'endpoint'; readonly index: number } | { readonly kind: 'offline' };

/**
 * The target of `provider` for the logical `server`: its qualified names (`${server}/secondary`,
 * `${server}/mock`), or a bare rank (`secondary`, `mock`: an outer chain walking the registered
 * list of ranks). Undefined when the name is neither (e.g. another server's qualified name).
 */
export function targetOf(server: string, provider: string): McpTarget | undefined {
  const prefix = `${server}/`;
  const rank = provider.startsWith(prefix) ? provider.slice(prefix.length) : provider;
  if (rank === MCP_OFFLINE_PROVIDER) return { kind: 'offline' };
  const index = rankIndex(rank);
  return index === undefined ? undefined : { kind: 'endpoint', index };
}
