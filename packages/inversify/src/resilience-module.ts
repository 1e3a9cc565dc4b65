import { ConfigError, ResilienceManager, type ResilienceConfig } from '@rampart/core';
import { findFallbackHost, optionsObject, type OptionKeys } from '@rampart/core/internal';
import { ContainerModule, type Newable } from 'inversify';
import { RESILIENCE_MANAGER } from './tokens.js';

/** Options of {@link resilienceModule}. */
export interface ResilienceModuleOptions {
  /** One ResilienceManager per team, with its configuration (validated when the manager is first resolved). */
  teams: Record<string, ResilienceConfig | undefined>;
  /**
   * Team classes to bind to themselves as singletons. On activation, each instance's
   * `@withFallback` methods are attached to its manager, so that requests queued before a restart
   * are replayed as soon as the container creates the team (legacy decorators have no other hook).
   */
  classes?: ReadonlyArray<Newable<object>>;
}

/** Every option of {@link ResilienceModuleOptions}: any other key is a ConfigError. */
const MODULE_KEYS: OptionKeys<ResilienceModuleOptions> = { teams: true, classes: true };

/**
 * An inversify ContainerModule that binds a ResilienceManager per team (singleton, named by the
 * team: inject it with `@injectResilience(team)`), stops it when the binding is deactivated
 * (`container.unbindAll()`, `unload(module)`), and binds the given team classes. Managers are not
 * started by the container: call `start()` on them (e.g. in the team's own `start()`), as the seed does.
 */
export function resilienceModule(options: ResilienceModuleOptions): ContainerModule {
  optionsObject('resilienceModule', options, MODULE_KEYS);
  const teams = Object.entries(options?.teams ?? {});
  if (teams.length === 0) throw new ConfigError('resilienceModule.teams', 'must name at least one team', options?.teams);
  const classes = options.classes ?? [];
  classes.forEach((c, i) => {
    if (typeof c !== 'function') throw new ConfigError(`resilienceModule.classes[${i}]`, 'must be a class', c);
  });
  return new ContainerModule(({ bind }) => {
    for (const [team, config] of teams) {
      bind(RESILIENCE_MANAGER)
        .toDynamicValue(() => new ResilienceManager(team, config))
        .inSingletonScope()
        .whenNamed(team)
        .onDeactivation((manager) => manager.stop());
    }
    for (const cls of classes) {
      bind(cls)
        .toSelf()
        .inSingletonScope()
        .onActivation((_context, instance) => {
          findFallbackHost(instance)?.attach(instance);
          return instance;
        });
    }
  });
}
