import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { FallbackAction } from '../fallback/fallback-action.js';
import { FallbackStrategy, ResourceStatus, ResourceType } from '../resource/resource-types.js';
import { capturingLogger } from '../testing/capturing-logger.js';
import { everythingOf } from '../testing/everything-of.js';
import { ResilienceManager } from './resilience-manager.js';

const SECRET = 'mgr-secret-5b7d9f13';
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe('ResilienceManager never shows a secret', () => {
  it('in inspect and JSON of the manager, its health report and its log lines, whatever its env, monitors and failing calls hold', async () => {
    const { logger, lines } = capturingLogger();
    const manager = new ResilienceManager('secrets', {
      logger,
      env: { OPENAI_API_KEY: SECRET, DATABASE_URL: `postgres://app:${SECRET}@db/x` },
      fallbackStrategies: { [ResourceType.DATABASE]: [new FallbackAction(FallbackStrategy.USE_CACHE)] },
    });
    stops.push(() => manager.stop());
    manager.registerMonitor({
      name: 'db',
      resourceType: ResourceType.DATABASE,
      check: async () => ({ status: ResourceStatus.DEGRADED, details: { url: `postgres://app:${SECRET}@db/x`, password: SECRET, token: SECRET } }),
    });
    await manager.start();
    const error = await manager
      .execute(ResourceType.DATABASE, async () => {
        throw new Error(`connect to postgres://app:${SECRET}@db/x refused`, { cause: new Error(`Authorization: Bearer ${SECRET}`) });
      })
      .catch((e: unknown) => e);
    const report = await manager.getHealthReport();
    expect(lines.length).toBeGreaterThan(0);
    // the caller's own error stays as thrown (its cause); what Rampart writes about it is redacted
    const { message, stack } = error as Error;
    const shown = [everythingOf(manager), everythingOf(report), message, stack, ...lines];
    expect(shown.join('\n')).not.toContain(SECRET);
  });

  it('in a ConfigError about a secret-bearing option', () => {
    const error = (() => {
      try {
        return new ResilienceManager('secrets', { env: { RAMPART_LOG_LEVEL: `verbose://u:${SECRET}@h` } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(everythingOf(error) + inspect((error as ConfigError).value)).not.toContain(SECRET);
  });
});
