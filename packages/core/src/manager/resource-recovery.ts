import type { ResourceType } from '../resource/resource-types.js';
import type { ConcurrencyChange } from './manager-events.js';
import type { ManagerParts } from './manager-parts.js';
import { isDown } from './resource-gate.js';

/**
 * Bring resources back once they can serve again (`gate.usable`): restore the concurrency
 * SCALE_DOWN lowered (reported through `onConcurrency`) and replay the queued requests of a
 * monitored resource. Checked when one of its monitors recovers, and for every type after each
 * round of checks (a provider's cooldown or open breaker ends without an event).
 *
 * Monitor-driven recovery of a provider: when its own monitor (`${type}:${provider}`) goes from
 * down (critical/unavailable) to up, the cooldown its failures caused ends and its open breaker
 * half-opens, so traffic returns within one check interval instead of after the cooldown or the
 * recovery timeout; a retry-after the provider itself sent is still honoured. The same happens when
 * a provider's last failure said it is gone (`providerDown`: refused, process exited) and its own
 * monitor, in a check that started after that failure, still finds it up: the monitor never saw the
 * outage (a stdio server that crashed once and starts again), and the failure is disproved. A
 * provider's traffic returns on its monitor's first reading that is not down, before the monitor's
 * own status recovers (`hysteresis.recoverAfter`): the half-open breaker probes it.
 */
export function watchRecovery(
  parts: Pick<ManagerParts, 'scheduler' | 'gate' | 'guards' | 'queue' | 'providers' | 'resourceTypes'>,
  onConcurrency: (change: ConcurrencyChange) => void,
): void {
  const { scheduler, gate, guards, queue, providers, resourceTypes } = parts;
  const recover = (type: ResourceType): void => {
    const restored = guards.restoreConcurrency(type);
    if (restored) onConcurrency({ resource: type, ...restored, reason: 'recovered' });
    if (scheduler.hasMonitors(type) && queue.size(type) > 0) void queue.drain(type);
  };
  scheduler.onStatusChange((e) => {
    const type = e.resourceType as ResourceType; // a registered monitor's type is one the manager knows
    if (e.from !== undefined && isDown(e.from) && !isDown(e.to)) {
      const provider = e.key.slice(type.length + 1);
      if (providers.known(type).includes(provider)) {
        providers.endFailureCooldown(type, provider);
        guards.breakers.get(type, provider)?.halfOpenNow('monitor_recovered');
      }
    }
    if (e.from !== undefined && !isDown(e.to) && gate.usable(type)) recover(type);
  });
  const disprovedOutages = (type: ResourceType): void => {
    for (const provider of providers.known(type)) {
      const seen = scheduler.get(`${type}:${provider}`);
      if (seen === undefined || isDown(seen.reading)) continue;
      // the first reading up after its monitor reported it down: traffic returns now, although the
      // monitor's own status waits for `recoverAfter` readings
      const backUp = isDown(seen.status);
      const goneAt = providers.goneSince(type, provider);
      if (!backUp && (goneAt === undefined || seen.checkedAt - seen.durationMs < goneAt)) continue;
      providers.endFailureCooldown(type, provider);
      guards.breakers.get(type, provider)?.halfOpenNow('monitor_recovered');
    }
  };
  scheduler.onRoundComplete(() => {
    for (const t of resourceTypes) {
      if (scheduler.hasMonitors(t)) disprovedOutages(t);
      if (gate.usable(t)) recover(t);
    }
  });
}
