// Two replica processes sharing provider cooldowns (__fixtures__/cooldown-replica.child.ts) through a
// redis-server of this test's own: a 429 in replica A makes replica B skip the provider without calling it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTypeScript, type ChildDriver } from '../../../test/support/child-process.js';
import { RedisServerProcess } from './testing/redis-server-process.js';

let server: RedisServerProcess;
const replicas: ChildDriver[] = [];
beforeAll(async () => {
  server = await RedisServerProcess.start();
});
afterAll(async () => {
  for (const r of replicas.splice(0)) r.kill();
  await server?.stop();
});

describe('shared provider cooldowns across processes', { timeout: 60_000 }, () => {
  it('a provider cooled by a 429 in replica A is skipped by replica B without B calling it, until the same deadline', async () => {
    const channel = `t:${randomUUID()}:providers`;
    const start = () => {
      const child = runTypeScript(new URL('./__fixtures__/cooldown-replica.child.ts', import.meta.url), [server.url, channel]);
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
    expect(Math.abs(Number(cooledB.split(' ')[2]) - Number(cooledA.split(' ')[2]))).toBeLessThanOrEqual(5); // the same deadline
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
