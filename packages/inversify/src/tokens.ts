import type { ResilienceManager } from '@rampart/core';
import type { ServiceIdentifier } from 'inversify';

/**
 * The service identifier of a team's ResilienceManager. Bindings are named by team:
 * `container.get(RESILIENCE_MANAGER, { name: 'marketing-team' })`, or `@injectResilience('marketing-team')`.
 * A registered symbol, so two copies of this package agree on it.
 */
export const RESILIENCE_MANAGER: ServiceIdentifier<ResilienceManager> = Symbol.for('@rampart/inversify:ResilienceManager');
