import { ConfigError } from '@rampart/core';
import { inject, named } from 'inversify';
import { RESILIENCE_MANAGER } from './tokens.js';

/**
 * Inject the ResilienceManager of `team` into a constructor parameter or a property:
 * `constructor(@injectResilience('marketing-team') readonly resilience: ResilienceManager)`.
 * Shorthand for `@inject(RESILIENCE_MANAGER) @named(team)`. Needs `experimentalDecorators`
 * (inversify's parameter injection is a legacy-decorator feature).
 */
export function injectResilience(team: string): ParameterDecorator & PropertyDecorator {
  if (typeof team !== 'string' || team.length === 0) throw new ConfigError('injectResilience.team', 'must be a non-empty string', team);
  const byId = inject(RESILIENCE_MANAGER);
  const byName = named(team);
  return (target: object, key: string | symbol | undefined, indexOrDescriptor?: number | PropertyDescriptor) => {
    if (typeof indexOrDescriptor === 'number') {
      byId(target, key, indexOrDescriptor);
      byName(target, key, indexOrDescriptor);
    } else {
      byId(target, key as string | symbol);
      byName(target, key as string | symbol);
    }
  };
}
