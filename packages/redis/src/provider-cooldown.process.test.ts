// Two replica processes sharing provider cooldowns (__fixtures__/cooldown-replica.child.ts) through a
// Redis of this test's own (one redis-server, and a 3-master Cluster): a 429 in replica A makes
// replica B skip the provider without calling it.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runTypeScript, type ChildDriver } from '../../../test/support/child-process.js';
import { LocalRedis, REDIS_KINDS, type RedisKind } from './testing/local-redis.js';

const replicas: ChildDriver[] = [];
afterEach(() => {
  for (const r of replicas.splice(0)) r.kill();
});

describe.each(REDIS_KINDS)('shared provider cooldowns across processes (%s Redis)', { timeout: 60_000 }, (kind: RedisKind) => {
  let redis: LocalRedis;
  beforeAll(async () => {
    redis = await LocalRedis.start(kind);
  }, 60_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('a provider cooled by a 429 in replica A is skipped by replica B without B calling it, until the same deadline', async () => {
    const channel = `t:${randomUUID()}:providers`;
    const start = () => {
      const child = runTypeScript(new URL('./__fixtures__/cooldown-replica.child.ts', import.meta.url), [redis.target, channel]);
      replicas.push(child);
      return child;
    };
    const a = start();
    const b = start();
    await Promise.all([a.line(/^ready$/), b.line(/^ready$/)]);
    a.send('limit openai');
    a.send('write');
    expect(await a.line(/^wrote /)).toBe('wrote openai,anthropic anthropic');
    const [cooledA, cooledB] = await Promise.all([a.line(/^cooled openai /), b.line(/^cooled openai /)]);
    expect(Math.abs(Number(cooledB.split(' ')[2]) - Number(cooledA.split(' ')[2]))).toBeLessThanOrEqual(50); // the same deadline (B turns it into a duration and back: ms rounding, and room for a GC pause between its clock reads)
    b.send('write');
    expect(await b.line(/^wrote /)).toBe('wrote anthropic anthropic'); // B never called openai
    expect(a.lines.filter((l) => l.startsWith('cooled '))).toHaveLength(1); // not echoed back to A
    for (const r of [a, b]) {
      r.send('stop');
      await r.line(/^stopped$/);
      r.endInput();
      const exit = await r.exited;
      expect({ code: exit.code, stderr: exit.stderr }).toEqual({ code: 0, stderr: '' });
    }
  });
});
