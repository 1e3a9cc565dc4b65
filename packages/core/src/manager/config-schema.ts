import { z } from 'zod';
import { CLOCK_METHODS } from '../config/validate.js';
import { zodIssueToConfigError } from '../config/zod-issue.js';
import { ConfigError } from '../errors/config-error.js';
import { FallbackStrategy } from '../resource/resource-types.js';
import { checkCrossFields } from './config-cross-fields.js';
import { checkResourceTypeKeys, knownResourceTypes } from './known-resource-types.js';
import type { ResilienceConfig } from './resilience-config.js';

const quote = (v: unknown) => JSON.stringify(v);
// keys are checked against the built-in and declared types after parsing (knownResourceTypes)
const resourceKey = z.string();
const strategy = z.enum(Object.values(FallbackStrategy) as [string, ...string[]], {
  error: (iss) => `unknown strategy ${quote(iss.input)}`,
});
const positiveMs = z.number().positive().finite();
const nonNegativeMs = z.number().nonnegative().finite();
const positiveInt = z.number().int().positive();
const hasMethods = (names: readonly string[], what: string) =>
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
  resourceTypes: z.array(z.unknown()).optional(),
  providers: z.record(resourceKey, z.array(z.string().min(1))).optional(),
  providerCooldownMs: nonNegativeMs.optional(),
  transientCooldownMs: nonNegativeMs.optional(),
  deadlineMs: positiveMs.optional(),
  maxProviderWaitMs: nonNegativeMs.optional(),
  fallbackStrategies: z.record(resourceKey, z.array(step)).optional(),
  cache: z.strictObject({ maxEntries: positiveInt.optional(), ttlMs: nonNegativeMs.optional(), maxStaleMs: nonNegativeMs.optional() }).optional(),
  queue: z
    .strictObject({
      maxQueueSize: positiveInt.optional(),
      maxWaitMs: positiveMs.optional(),
      retryIntervalMs: positiveMs.optional(),
      resultRetentionMs: nonNegativeMs.optional(),
      maxRetainedResults: positiveInt.optional(),
    })
    .optional(),
  circuitBreaker: z.strictObject({ failureThreshold: positiveInt.optional(), recoveryTimeoutMs: nonNegativeMs.optional() }).optional(),
  retry: z
    .strictObject({ maxAttempts: positiveInt.optional(), baseDelayMs: nonNegativeMs.optional(), maxDelayMs: nonNegativeMs.optional() })
    .optional(),
  concurrency: z.record(resourceKey, positiveInt).optional(),
  logger: hasMethods(['child', 'debug', 'warn'], 'a pino logger').optional(),
  clock: hasMethods(CLOCK_METHODS, 'a Clock').optional(),
  env: z.record(z.string(), z.string().optional()).optional(),
});

function toConfigError(issue: z.core.$ZodIssue): ConfigError {
  return zodIssueToConfigError(issue, schema, { root: 'config' });
}

/**
 * Validate a team's configuration. Throws a {@link ConfigError} for the first problem, naming its
 * path and value: `fallbackStrategies.api_quota[0].strategy: unknown strategy "SWITCH"`.
 */
export function validateResilienceConfig(config: unknown): ResilienceConfig {
  if (config === undefined) return {};
  const result = schema.safeParse(config, { reportInput: true });
  if (!result.success) throw toConfigError(result.error.issues[0]!);
  checkResourceTypeKeys(config as Record<string, unknown>, knownResourceTypes((config as ResilienceConfig).resourceTypes));
  checkCrossFields(config as ResilienceConfig);
  return config as ResilienceConfig;
}
