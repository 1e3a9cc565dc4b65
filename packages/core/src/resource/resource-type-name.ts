import { ResourceType } from './resource-types.js';

/**
 * A resource type's name: one of the built-in {@link ResourceType}s (autocompleted), or a custom
 * type the manager's config declares in `resourceTypes` (`'vector_db'`). APIs that take a type take
 * this; one the manager does not know is a ConfigError naming it and listing the known types.
 */
export type ResourceTypeName = ResourceType | `${ResourceType}` | (string & {});

/** The built-in resource types, in declaration order. */
export const BUILT_IN_RESOURCE_TYPES: readonly ResourceType[] = Object.freeze(Object.values(ResourceType));

const BUILT_INS = new Set<string>(BUILT_IN_RESOURCE_TYPES);

/** What a resource type's name looks like: lowercase snake_case, starting with a letter. */
export const RESOURCE_TYPE_NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

/** Whether `name` is one of the built-in {@link ResourceType} values. */
export function isBuiltInResourceType(name: unknown): name is ResourceType {
  return typeof name === 'string' && BUILT_INS.has(name);
}
