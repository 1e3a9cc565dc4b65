import { positiveNumber } from '../config/validate.js';
import { ConfigError } from '../errors/config-error.js';
import type { ResourceMonitor } from '../resource/monitor.js';
import type { ResourceType } from '../resource/resource-types.js';
import { unknownResourceType } from './known-resource-types.js';

/** Check the shape of a monitor before registering it (its type one of `known`); throws a ConfigError naming the field. */
export function validateMonitor(monitor: unknown, known: ReadonlySet<string>): ResourceMonitor {
  const m = monitor as Partial<ResourceMonitor> | null;
  if (typeof m !== 'object' || m === null) throw new ConfigError('monitor', 'must be an object with name, resourceType and check(signal)', monitor);
  if (typeof m.name !== 'string' || m.name.length === 0) throw new ConfigError('monitor.name', 'must be a non-empty string', m.name);
  if (typeof m.resourceType !== 'string' || !known.has(m.resourceType)) throw unknownResourceType('monitor.resourceType', m.resourceType, known);
  if (typeof m.check !== 'function') throw new ConfigError('monitor.check', 'must be a function (signal) => Promise<result>', m.check);
  return m as ResourceMonitor;
}

/**
 * A resource type argument, validated against the manager's `known` types (built-in and declared
 * custom ones). Internally a validated custom type's name travels typed as a ResourceType.
 */
export function validateResourceType(type: unknown, known: ReadonlySet<string>, path = 'resourceType'): ResourceType {
  if (typeof type !== 'string' || !known.has(type)) throw unknownResourceType(path, type, known);
  return type as ResourceType;
}

/** A team name: a non-empty string. */
export function validateTeam(team: unknown): string {
  if (typeof team !== 'string' || team.trim() === '') {
    throw new ConfigError('team', `ResilienceManager needs a team name (a non-empty string), got ${JSON.stringify(team)}`, team);
  }
  return team;
}

/** `execute`'s `deadlineMs`: a number > 0 (Infinity allowed: no deadline beyond the caller's signal). */
export function callDeadlineMs(value: unknown): number {
  return positiveNumber('execute.options.deadlineMs', value, { allowInfinity: true });
}
