import { inspect } from 'node:util';
import { ConfigError, FallbackAction, FallbackStrategy, ResilienceManager, ResourceType } from '@rampart/core';
import { capturingLogger, everythingOf } from '@rampart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ResilientPool } from './resilient-pool.js';

const SECRET = 'pg-secret-7f3a9b21';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A pool on `primary` under a manager that logs at debug into `lines` and gives up after one switch. */
function poolOn(primary: string): { pool: ResilientPool; manager: ResilienceManager; lines: string[] } {
  const { logger, lines } = capturingLogger();
  const manager = new ResilienceManager('pg-secrets', {
    logger,
    fallbackStrategies: { [ResourceType.DATABASE]: [new FallbackAction(FallbackStrategy.SWITCH_PROVIDER)] },
  });
  const pool = new ResilientPool({ manager, primary, pool: { connectionTimeoutMs: 5000 } });
  cleanups.push(async () => {
    await pool.end();
    await manager.stop();
  });
  return { pool, manager, lines };
}

describe('ResilientPool never shows the password of its connection string', () => {
  it.each([
    ['a refused connection', `postgres://postgres:${SECRET}@127.0.0.1:1/postgres`, /ECONNREFUSED/],
    ['a role the real server does not have', `postgres://rampart_nobody:${SECRET}@127.0.0.1:5432/postgres`, /rampart_nobody/],
  ])('%s: not in the error, the log lines, the health report or inspect/JSON of the pool', async (_label, primary, expected) => {
    const { pool, manager, lines } = poolOn(primary);
    const error = await pool.query('SELECT 1').catch((e: unknown) => e);
    expect(everythingOf(error)).toMatch(expected);
    expect(lines.length).toBeGreaterThan(0);
    await manager.checkNow();
    const report = await manager.getHealthReport();
    const shown = [everythingOf(error), ...lines, JSON.stringify(report), inspect(pool, { depth: 12, showHidden: true }), JSON.stringify(pool), inspect(manager, { depth: 8 })];
    expect(shown.join('\n')).not.toContain(SECRET);
  });

  it('a bad connection string: the ConfigError holds no password, as a URL or as key/value', () => {
    const manager = new ResilienceManager('pg-config', { env: { RAMPART_LOG_LEVEL: 'silent' } });
    cleanups.push(() => manager.stop());
    for (const primary of [`mysql://app:${SECRET}@127.0.0.1/x`, `host=127.0.0.1 password=${SECRET}`]) {
      const error = (() => {
        try {
          return new ResilientPool({ manager, primary });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect(everythingOf(error) + inspect((error as ConfigError).value)).not.toContain(SECRET);
    }
  });
});
