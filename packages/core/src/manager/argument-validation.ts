import { ConfigError } from '../errors/config-error.js';
import type { ResourceMonitor } from '../resource/monitor.js';
import { ResourceType } from '../resource/resource-types.js';

const TYPES = new Set<string>(Object.values(ResourceType));

/** Check the shape of a monitor before registering it; throws a ConfigError naming the field. */
export function validateMonitor(monitor: unknown): ResourceMonitor {
  const m = monitor as Partial<ResourceMonitor> | null;
  if (typeof m !== 'object' || m === null) throw new ConfigError('monitor', 'must be an object with name, resourceType and check(signal)', monitor);
  if (typeof m.name !== 'string' || m.name.length === 0) throw new ConfigError('monitor.name', 'must be a non-empty string', m.name);
  if (typeof m.resourceType !== 'string' || !TYPES.has(m.resourceType)) {
    throw new ConfigError('monitor.resourceType', `unknown resource type ${JSON.stringify(m.resourceType)}`, m.resourceType);
  }
  if (typeof m.check !== 'function') throw new ConfigError('monitor.check', 'must be a function (signal) => Promise<result>', m.check);
  return m as ResourceMonitor;
}

/** A resource type argument, validated. */
export function validateResourceType(type: unknown, path = 'resourceType'): ResourceType {
  if (typeof type !== 'string' || !TYPES.has(type)) throw new ConfigError(path, `unknown resource type ${JSON.stringify(type)}`, type);
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
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new ConfigError('execute.options.deadlineMs', `must be a number of ms greater than 0, got ${typeof value === 'number' ? value : typeof value}`, value);
  }
  return value;
}
