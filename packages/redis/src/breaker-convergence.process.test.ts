// Two replica processes share their provider breakers through a redis-server of this test's own,
// reached through a loopback proxy; the proxy is cut for 5 s and 13 s (5 times each) while each
// replica changes a breaker, and every replica must report the same state for every provider
// within the documented bound of Redis returning: ioredis' reconnection delay (≤ 2 s) +
// reconcileIntervalMs.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTypeScript, type ChildDriver } from '../../../test/support/child-process.js';
import { RedisServerProcess } from './testing/redis-server-process.js';
import { TcpProxy } from './testing/tcp-proxy.js';

const RECONCILE_MS = 2_000;
const BOUND_MS = 2_000 + RECONCILE_MS;

let server: RedisServerProcess;
let proxy: TcpProxy;
const replicas: ChildDriver[] = [];
beforeAll(async () => {
  server = await RedisServerProcess.start();
  proxy = await TcpProxy.start(server.port);
});
afterAll(async () => {
  for (const r of replicas.splice(0)) r.kill();
  await proxy?.close();
  await server?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A replica's breaker states, read through its `state` command. */
async function state(replica: ChildDriver): Promise<string> {
  const before = replica.lines.filter((l) => l.startsWith('state ')).length;
  replica.send('state');
  return (await replica.line(/^state /, before + 1)).slice(6);
}

/** Poll both replicas until they report `expected`; resolves with the ms it took. */
async function converged(p1: ChildDriver, p2: ChildDriver, expected: string): Promise<number> {
  const from = performance.now();
  for (;;) {
    const [s1, s2] = await Promise.all([state(p1), state(p2)]);
    if (s1 === expected && s2 === expected) return performance.now() - from;
    await sleep(50);
  }
}

function startReplica(channel: string): ChildDriver {
  const child = runTypeScript(new URL('./__fixtures__/breaker-replica.child.ts', import.meta.url), [proxy.url, channel, 'writers', String(RECONCILE_MS)]);
  replicas.push(child);
  return child;
}

async function stopReplicas(...children: ChildDriver[]): Promise<void> {
  for (const p of children) {
    p.send('stop');
    await p.line(/^stopped$/);
    p.endInput();
    expect((await p.exited).code).toBe(0);
  }
}

describe('shared breakers converge after Redis outages', { timeout: 240_000 }, () => {
  it('after redis-server is killed (SIGKILL, its data gone) and restarted, with transitions in both replicas meanwhile, both agree within the bound (3 times)', async () => {
    const channel = `t:${randomUUID()}:breakers`;
    const p1 = startReplica(channel);
    const p2 = startReplica(channel);
    await Promise.all([p1.line(/^ready$/), p2.line(/^ready$/)]);
    const figures: number[] = [];
    for (let run = 0; run < 3; run++) {
      p1.send('trip openai');
      await converged(p1, p2, 'openai=open anthropic=closed');
      await server.kill();
      p1.send('reset openai');
      p2.send('trip anthropic');
      await sleep(3_000);
      await server.restart(); // empty: the shared state is rebuilt from what the replicas kept
      const ms = await converged(p1, p2, 'openai=closed anthropic=open');
      figures.push(Math.round(ms));
      expect(ms).toBeLessThan(BOUND_MS + 1_000);
      p2.send('reset anthropic');
      await converged(p1, p2, 'openai=closed anthropic=closed');
    }
    console.log(`convergence after redis-server restarted (bound ${BOUND_MS} ms): ${figures.join(', ')} ms`);
    await stopReplicas(p1, p2);
  });

  it('after outages of 5 s and 13 s (5 times each) with transitions in both replicas during them, both agree within the bound', async () => {
    const channel = `t:${randomUUID()}:breakers`;
    const p1 = startReplica(channel);
    const p2 = startReplica(channel);
    await Promise.all([p1.line(/^ready$/), p2.line(/^ready$/)]);
    const figures: string[] = [];
    for (const outageMs of [5_000, 13_000]) {
      for (let run = 0; run < 5; run++) {
        p1.send('trip openai'); // shared live: both open
        await converged(p1, p2, 'openai=open anthropic=closed');
        await proxy.cut();
        p1.send('reset openai'); // during the outage: P1 closes openai, P2 opens anthropic
        p2.send('trip anthropic');
        await sleep(outageMs);
        expect([await state(p1), await state(p2)]).toEqual(['openai=closed anthropic=closed', 'openai=open anthropic=open']);
        await proxy.restore();
        const ms = await converged(p1, p2, 'openai=closed anthropic=open');
        figures.push(`${outageMs / 1_000}s outage #${run + 1}: ${Math.round(ms)} ms`);
        expect(ms).toBeLessThan(BOUND_MS + 1_000); // generous: two processes on a busy machine
        p2.send('reset anthropic');
        await converged(p1, p2, 'openai=closed anthropic=closed');
      }
    }
    console.log(`convergence after Redis returned (bound ${BOUND_MS} ms):\n${figures.join('\n')}`);
    // one error report per outage at most, per replica (not one per failed write or reconnection)
    for (const p of [p1, p2]) expect(p.lines.filter((l) => l.startsWith('error ')).length).toBeLessThanOrEqual(10 * 2);
    await stopReplicas(p1, p2);
  });
});
