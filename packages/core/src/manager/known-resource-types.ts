import { ConfigError } from '../errors/config-error.js';
import { BUILT_IN_RESOURCE_TYPES, isBuiltInResourceType, RESOURCE_TYPE_NAME_PATTERN } from '../resource/resource-type-name.js';

/** Longest custom resource type name (it appears in metric labels, keys and breaker names). */
const MAX_NAME_LENGTH = 64;

/** The error for a resource type the manager does not know: names it and lists the known ones. */
export function unknownResourceType(path: string, type: unknown, known: Iterable<string>): ConfigError {
  const list = [...known].join(', ');
  return new ConfigError(path, `unknown resource type ${JSON.stringify(type)} (known: ${list}; declare a custom type in the config's resourceTypes)`, type);
}

/**
 * Check the config's `resourceTypes` (custom type names: lowercase snake_case, at most 64
 * characters, none a built-in, each once) and return every type the manager knows: the built-ins,
 * then the custom ones in the order given. A ConfigError names the bad entry (`resourceTypes[1]`).
 */
export function knownResourceTypes(custom: readonly unknown[] | undefined): readonly string[] {
  if (custom === undefined) return BUILT_IN_RESOURCE_TYPES;
  const out: string[] = [...BUILT_IN_RESOURCE_TYPES];
  custom.forEach((name, i) => {
    const path = `resourceTypes[${i}]`;
    if (typeof name !== 'string' || !RESOURCE_TYPE_NAME_PATTERN.test(name) || name.length > MAX_NAME_LENGTH) {
      throw new ConfigError(path, `must be a lowercase snake_case name of at most ${MAX_NAME_LENGTH} characters ([a-z][a-z0-9_]*), got ${JSON.stringify(name)}`, name);
    }
    if (isBuiltInResourceType(name)) throw new ConfigError(path, `${JSON.stringify(name)} is a built-in resource type; declare only custom ones`, name);
    if (out.includes(name)) throw new ConfigError(path, `${JSON.stringify(name)} is declared twice`, name);
    out.push(name);
  });
  return Object.freeze(out);
}

/** Check that every key of the per-type maps (`providers`, `fallbackStrategies`, `concurrency`) is a known type. */
export function checkResourceTypeKeys(config: Readonly<Record<string, unknown>>, known: readonly string[]): void {
  for (const field of ['providers', 'fallbackStrategies', 'concurrency']) {
    const map = config[field];
    if (typeof map !== 'object' || map === null) continue;
    for (const key of Object.keys(map)) if (!known.includes(key)) throw unknownResourceType(`${field}.${key}`, key, known);
  }
}
