// The example's schedule end to end: two real processes, a real folder, real HTTP on loopback and
// the real Redis. Nothing here asserts a duration: the scenario waits for conditions itself.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario, type ScenarioResult } from './scenario.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// The research process runs from the TypeScript sources (no build needed): the repository's swc
// loader compiles them on load, and `rampart-source` resolves @rampart/* to packages/*/src.
const research = {
  script: fileURLToPath(new URL('./research-process.ts', import.meta.url)),
  execArgv: ['--conditions=rampart-source', '--import', fileURLToPath(new URL('../../../test/support/register-swc-loader.mjs', import.meta.url))],
};

describe('team-channels example', () => {
  const lines: string[] = [];
  let result: ScenarioResult;
  const redis = new Redis(redisUrl, { lazyConnect: true });

  beforeAll(async () => {
    await redis.connect();
    // Generous timeouts: on a loaded machine a slow health check must not reroute a request.
    result = await runScenario({ log: (line) => lines.push(line), redisUrl, timeoutMs: 4_000, research });
  }, 180_000);

  afterAll(() => {
    redis.disconnect();
  });

  it('carries each request and its reply over the channel the schedule leaves', () => {
    expect(result.steps.map((s) => [s.topic, s.requestOver, s.replyOver, s.queued])).toEqual([
      ['solar panels', 'file', 'file', false],
      ['electric bikes', 'http', 'http', false],
      ['heat pumps', 'redis', 'redis', false],
      ['wind turbines', 'redis', 'redis', true],
      ['solar panels', 'file', 'file', false],
    ]);
    expect(result.steps[0]!.facts).toEqual(['prices fell about 90% from 2010 to 2020', 'panels last 25–30 years']);
    for (const step of result.steps) expect(step.answeredBy).toBe(result.research.pid);
    expect(result.research.pid).not.toBe(process.pid);
    expect(lines.filter((l) => /^\d\. /.test(l)).map((l) => l.slice(0, 2))).toEqual(['1.', '2.', '3.', '4.', '5.']);
    expect(lines).toContain("   the request waits in marketing's outbox (outboxDepth 1)");
  });

  it('loses nothing and handles nothing twice', () => {
    const counts = Object.values(result.handled);
    expect(counts).toHaveLength(result.steps.length); // every request reached the handler...
    expect(counts.every((n) => n === 1)).toBe(true); // ...once
    for (const health of [result.health.marketing, result.health.research]) {
      expect(health).toMatchObject({ running: true, activeChannel: 'file', outboxDepth: 0, pendingRequests: 0 });
    }
    // marketing: 5 requests sent, 5 replies received, over the channels listed above
    const byKind = (h: typeof result.health.marketing, field: 'sent' | 'received') => Object.fromEntries(h.channels.map((c) => [c.kind, c[field]]));
    expect(byKind(result.health.marketing, 'sent')).toEqual({ file: 2, http: 1, redis: 2 });
    expect(byKind(result.health.research, 'sent')).toEqual({ file: 2, http: 1, redis: 2 });
    expect(result.leftovers).toEqual({ files: 0, redisMessages: 0 });
  });

  it('prints both teams’ health, with no secret in it', () => {
    const end = lines.slice(lines.indexOf('getHealth() at the end:'));
    expect(end[1]).toMatch(/^ {3}marketing: running true, active file, outboxDepth 0/);
    expect(end.some((l) => /^ {3}research: running true, active file, outboxDepth 0/.test(l))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/bearer|authorization/i);
  });

  it('leaves no process, file or Redis key behind', async () => {
    expect(result.research.exit).toEqual({ code: 0, signal: null });
    expect(() => process.kill(result.research.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    expect(existsSync(result.tempDir)).toBe(false);
    const [, keys] = await redis.scan('0', 'MATCH', `${result.keyPrefix}:*`, 'COUNT', 10_000);
    expect(keys).toEqual([]);
  });
});
