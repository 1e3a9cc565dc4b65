import { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';
import { FallbackStrategy, ResourceType } from '../resource/resource-types.js';
import type { ResilienceConfig } from './resilience-config.js';

const quote = (v: unknown) => JSON.stringify(v);
const resourceKey = z.enum(Object.values(ResourceType) as [string, ...string[]], {
  error: (iss) => `unknown resource type ${quote(iss.input)}`,
});
const strategy = z.enum(Object.values(FallbackStrategy) as [string, ...string[]], {
  error: (iss) => `unknown strategy ${quote(iss.input)}`,
});
const positiveMs = z.number().positive().finite();
const nonNegativeMs = z.number().nonnegative().finite();
const positiveInt = z.number().int().positive();
const hasMethods = (names: string[], what: string) =>
  z.custom<unknown>(
    (v) => typeof v === 'object' && v !== null && names.every((n) => typeof (v as Record<string, unknown>)[n] === 'function'),
    { error: `must be ${what} (an object with ${names.join(', ')})` },
  );

const step = z.strictObject({
  strategy,
  target: z.string().min(1).optional(),
  priority: z.number().finite().optional(),
  maxAttempts: positiveInt.optional(),
  backoff: z.enum(['fixed', 'linear', 'exponential'], { error: (iss) => `unknown backoff ${quote(iss.input)}` }).optional(),
  baseDelayMs: nonNegativeMs.optional(),
  maxDelayMs: nonNegativeMs.optional(),
  levels: positiveInt.optional(),
  factor: z.number().gt(0).lt(1).optional(),
  minConcurrent: positiveInt.optional(),
});

const schema = z.strictObject({
  checkIntervalMs: positiveMs.optional(),
  checkTimeoutMs: positiveMs.optional(),
  hysteresis: z.strictObject({ worsenAfter: positiveInt.optional(), recoverAfter: positiveInt.optional() }).optional(),
  storagePath: z.string().min(1).optional(),
  store: hasMethods(['get', 'set', 'delete', 'entries'], 'a StateStore').optional(),
  providers: z.partialRecord(resourceKey, z.array(z.string().min(1))).optional(),
  providerCooldownMs: nonNegativeMs.optional(),
  fallbackStrategies: z.partialRecord(resourceKey, z.array(step)).optional(),
  cache: z.strictObject({ maxEntries: positiveInt.optional(), ttlMs: nonNegativeMs.optional(), maxStaleMs: nonNegativeMs.optional() }).optional(),
  queue: z
    .strictObject({
      maxQueueSize: positiveInt.optional(),
      maxWaitMs: positiveMs.optional(),
      retryIntervalMs: positiveMs.optional(),
      resultRetentionMs: nonNegativeMs.optional(),
    })
    .optional(),
  circuitBreaker: z.strictObject({ failureThreshold: positiveInt.optional(), recoveryTimeoutMs: nonNegativeMs.optional() }).optional(),
  retry: z
    .strictObject({ maxAttempts: positiveInt.optional(), baseDelayMs: nonNegativeMs.optional(), maxDelayMs: nonNegativeMs.optional() })
    .optional(),
  concurrency: z.partialRecord(resourceKey, positiveInt).optional(),
  logger: hasMethods(['child', 'debug', 'warn'], 'a pino logger').optional(),
  clock: hasMethods(['now', 'wallNow', 'setTimeout', 'clearTimeout', 'sleep'], 'a Clock').optional(),
  env: z.record(z.string(), z.string().optional()).optional(),
});

const RECORD_KEYS = new Set(['fallbackStrategies', 'providers', 'concurrency']);

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return quote(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

function toConfigError(issue: z.core.$ZodIssue): ConfigError {
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const path = formatPath([...issue.path, key]);
    const value = (input as Record<string, unknown> | undefined)?.[key];
    const message =
      issue.path.length === 1 && RECORD_KEYS.has(String(issue.path[0])) ? `unknown resource type ${quote(key)}` : 'unknown option';
    return new ConfigError(path, message, value);
  }
  const path = formatPath(issue.path) || 'config';
  let message = issue.message;
  if (issue.code === 'invalid_type') message = `must be ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`}, got ${describe(input)}`;
  else if (issue.code === 'too_small') message = `must be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}, got ${describe(input)}`;
  else if (issue.code === 'too_big') message = `must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}, got ${describe(input)}`;
  return new ConfigError(path, message, input);
}

/**
 * Validate a team's configuration. Throws a {@link ConfigError} for the first problem, naming its
 * path and value: `fallbackStrategies.api_quota[0].strategy: unknown strategy "SWITCH"`.
 */
export function validateResilienceConfig(config: unknown): ResilienceConfig {
  if (config === undefined) return {};
  const result = schema.safeParse(config, { reportInput: true });
  if (!result.success) throw toConfigError(result.error.issues[0]!);
  return config as ResilienceConfig;
}
