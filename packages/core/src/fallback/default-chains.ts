import { FallbackStrategy, ResourceType } from '../resource/resource-types.js';
import { FallbackAction } from './fallback-action.js';

const { RETRY, SWITCH_PROVIDER, DEGRADE_SERVICE, QUEUE_REQUEST, USE_CACHE, SCALE_DOWN, CIRCUIT_BREAK } = FallbackStrategy;

const retryThenBreak = Object.freeze([new FallbackAction(RETRY), new FallbackAction(CIRCUIT_BREAK)]);

/**
 * The default fallback chain of each resource type, as seed 001's "Default Fallback Protocols"
 * lists them. A team's `fallbackStrategies` replaces the chain of the types it names.
 * - API quota: retry 2× with exponential backoff → switch provider (openai → anthropic → local)
 *   → degrade (cheaper models) → queue (process later).
 * - Memory, CPU: use cache → degrade → scale down.
 * - Database: retry 3× → switch to a replica (primary → replica1 → replica2) → use cache → circuit break.
 * - MCP server: retry with backoff → switch to the secondary (primary → secondary → mock) → circuit break.
 * - Network, Docker, Kubernetes pod (the seed lists no protocol): retry with backoff → circuit break.
 * A RETRY step without `maxAttempts` makes RETRY_MAX_ATTEMPTS − 1 re-invocations (2 by default).
 */
export const DEFAULT_FALLBACK_CHAINS: Readonly<Record<ResourceType, readonly FallbackAction[]>> = Object.freeze({
  [ResourceType.API_QUOTA]: Object.freeze([
    new FallbackAction(RETRY, { maxAttempts: 2, backoff: 'exponential' }),
    new FallbackAction(SWITCH_PROVIDER),
    new FallbackAction(DEGRADE_SERVICE),
    new FallbackAction(QUEUE_REQUEST),
  ]),
  [ResourceType.MEMORY]: Object.freeze([
    new FallbackAction(USE_CACHE),
    new FallbackAction(DEGRADE_SERVICE),
    new FallbackAction(SCALE_DOWN),
  ]),
  [ResourceType.CPU]: Object.freeze([
    new FallbackAction(USE_CACHE),
    new FallbackAction(DEGRADE_SERVICE),
    new FallbackAction(SCALE_DOWN),
  ]),
  [ResourceType.DATABASE]: Object.freeze([
    new FallbackAction(RETRY, { maxAttempts: 3 }),
    new FallbackAction(SWITCH_PROVIDER),
    new FallbackAction(USE_CACHE),
    new FallbackAction(CIRCUIT_BREAK),
  ]),
  [ResourceType.MCP_SERVER]: Object.freeze([
    new FallbackAction(RETRY, { backoff: 'exponential' }),
    new FallbackAction(SWITCH_PROVIDER),
    new FallbackAction(CIRCUIT_BREAK),
  ]),
  [ResourceType.NETWORK]: retryThenBreak,
  [ResourceType.DOCKER]: retryThenBreak,
  [ResourceType.K8S_POD]: retryThenBreak,
});

/**
 * Default provider lists for SWITCH_PROVIDER, as the seed names them. `providers` in the config
 * or `setProviders()` replace them (integrations register their real provider names).
 */
export const DEFAULT_PROVIDERS: Readonly<Partial<Record<ResourceType, readonly string[]>>> = Object.freeze({
  [ResourceType.API_QUOTA]: Object.freeze(['openai', 'anthropic', 'local']),
  [ResourceType.DATABASE]: Object.freeze(['primary', 'replica1', 'replica2']),
  [ResourceType.MCP_SERVER]: Object.freeze(['primary', 'secondary', 'mock']),
});
