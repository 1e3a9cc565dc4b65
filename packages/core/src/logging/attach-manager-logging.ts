import type { Logger } from 'pino';
import { FallbackExhaustedError } from '../fallback/fallback-exhausted-error.js';
import { redactString } from '../health/redact.js';
import type { ManagerEvents } from '../manager/manager-events.js';
import type { Disposable } from '../policy/policy.js';
import { errorForLog, errorSummary } from './error-for-log.js';

/**
 * Log a manager's events: every status transition, circuit transition, provider cooldown,
 * concurrency change and fallback step at debug; every chain exhaustion and every warning at warn;
 * queued request outcomes at debug (failures at warn). Nothing is measured or formatted when the
 * logger's level is above debug. Returns a handle that unsubscribes everything.
 */
export function attachManagerLogging(events: ManagerEvents, logger: Logger): Disposable {
  const debug = () => logger.isLevelEnabled('debug');
  const subs = [
    events.onStatusChange((e) => {
      if (debug()) logger.debug({ resource: e.key, from: e.from, to: e.to, usage: e.snapshot.usage }, 'resource status changed');
    }),
    events.onCircuitStateChange((e) => {
      if (debug()) logger.debug({ circuit: e.name, resource: e.resource, provider: e.provider, from: e.from, to: e.to, reason: e.reason }, 'circuit state changed');
    }),
    events.onProviderCooldown((e) => {
      if (!debug()) return;
      if (e.operation !== undefined) logger.debug({ resource: e.resource, provider: e.provider, operation: e.operation, cooldownMs: e.cooldownMs, err: errorForLog(e.error) }, 'provider left out of one operation');
      else logger.debug({ resource: e.resource, provider: e.provider, cooldownMs: e.cooldownMs, err: errorForLog(e.error) }, 'provider cooling down');
    }),
    events.onConcurrencyChange((e) => {
      if (debug()) logger.debug({ resource: e.resource, from: e.from, to: e.to, reason: e.reason }, 'concurrency changed');
    }),
    events.onFallbackStep((e) => {
      if (!debug()) return;
      const fields = {
        resource: e.resource,
        strategy: e.strategy,
        outcome: e.outcome,
        provider: e.provider,
        degradation: e.degradation,
        attempt: e.attempt,
        proactive: e.proactive,
        stale: e.stale,
        err: errorForLog(e.error),
      };
      logger.debug(fields, `fallback step ${e.strategy} ${e.outcome}`);
    }),
    events.onFallbackExhausted((e) => {
      const steps = e.error.steps.map((s) => ({ strategy: s.strategy, provider: s.provider, error: errorSummary(s.error) }));
      logger.warn({ resource: e.resource, key: e.key, proactive: e.error.proactive, steps, err: errorForLog(e.error) }, FallbackExhaustedError.name + ': ' + redactString(e.error.message));
    }),
    events.onQueuedRequestSettled((r) => {
      const fields = { requestId: r.id, resource: r.resource, method: r.method, status: r.status, replays: r.replays, err: errorForLog(r.error) };
      if (r.status === 'succeeded') {
        if (debug()) logger.debug(fields, 'queued request answered');
      } else logger.warn(fields, `queued request ${r.status}`);
    }),
    events.onWarning((w) => {
      logger.warn({ requestId: w.requestId, err: errorForLog(w.error) }, redactString(w.message));
    }),
  ];
  return { dispose: () => subs.forEach((s) => s.dispose()) };
}
