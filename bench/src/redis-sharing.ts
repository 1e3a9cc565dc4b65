// What sharing a team's state through Redis costs per call, and how fast replicas converge.
// `node dist/redis-sharing.js` (or through run.ts). Starts its own redis-server on a spare loopback
// port (and a proxy in front of it for the outage), so it needs `redis-server` on PATH.
// BENCH_REDIS_CALLS (default 20 000): sequential awaited calls per sample; 5 samples, medians.
import { pathToFileURL } from 'node:url';
import { CircuitState, currentFallback, FallbackAction, FallbackStrategy, ResilienceManager, ResourceType } from '@rampart/core';
import { shareManagerBreakers, shareProviderState, type ProviderStateSharing, type RedisBreakerSync } from '@rampart/redis';
import { RedisServerProcess, TcpProxy } from '@rampart/redis/testing';
import { formatTable, median } from './harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await sleep(1);
}

function replica(): ResilienceManager {
  return new ResilienceManager('writers', {
    env: { RAMPART_LOG_LEVEL: 'silent' },
    providers: { [ResourceType.API_QUOTA]: ['openai', 'anthropic'] },
    circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 600_000 },
    fallbackStrategies: { [ResourceType.API_QUOTA]: [new FallbackAction(FallbackStrategy.SWITCH_PROVIDER), new FallbackAction(FallbackStrategy.CIRCUIT_BREAK)] },
  });
}

/** ns per call of `execute` (a trivial provider call), median of 5 samples of `calls` calls (medians of 4 interleaved rounds, order alternating, reported). */
async function nsPerCall(manager: ResilienceManager, calls: number): Promise<number> {
  const fn = async () => currentFallback()?.provider ?? 'openai';
  for (let i = 0; i < 2_000; i++) await manager.execute(ResourceType.API_QUOTA, fn); // warm-up
  const samples: number[] = [];
  for (let s = 0; s < 5; s++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await manager.execute(ResourceType.API_QUOTA, fn);
    samples.push(Number(process.hrtime.bigint() - start) / calls);
  }
  return median(samples);
}

/** Attach breaker and provider-state sharing to `manager`; returns their disposers. */
async function share(manager: ResilienceManager, url: string, channel: string, reconcileIntervalMs = 5_000): Promise<Array<RedisBreakerSync | ProviderStateSharing>> {
  const onError = () => undefined; // the outage below is deliberate
  return [
    await shareManagerBreakers(manager, { redis: url, channel: `${channel}:breakers`, reconcileIntervalMs, onError }),
    await shareProviderState(manager, { redis: url, channel: `${channel}:providers`, reconcileIntervalMs, onError }),
  ];
}

export async function benchRedisSharing(calls = 20_000): Promise<string> {
  const server = await RedisServerProcess.start();
  const proxy = await TcpProxy.start(server.port);
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const channel = `bench:${process.pid}`;
    // 1. cost per call: no sharing, then the same manager shape sharing breakers and cooldowns
    const local = replica();
    closers.push(() => local.stop());
    const shared = replica();
    const sharing = await share(shared, server.url, `${channel}:cost`);
    closers.push(async () => {
      await Promise.all(sharing.map((s) => s.dispose()));
      await shared.stop();
    });
    // interleaved rounds, so JIT warm-up and machine load fall on both alike
    const aloneRounds: number[] = [];
    const sharedRounds: number[] = [];
    for (let round = 0; round < 4; round++) {
      if (round % 2 === 0) aloneRounds.push(await nsPerCall(local, calls));
      sharedRounds.push(await nsPerCall(shared, calls));
      if (round % 2 === 1) aloneRounds.push(await nsPerCall(local, calls));
    }
    const alone = median(aloneRounds);
    const withRedis = median(sharedRounds);

    // 2. propagation: a breaker opened / a provider cooled in A, seen in B
    const a = replica();
    const b = replica();
    const sa = await share(a, proxy.url, `${channel}:conv`, 2_000);
    const sb = await share(b, proxy.url, `${channel}:conv`, 2_000);
    closers.push(async () => {
      await Promise.all([...sa, ...sb].map((s) => s.dispose()));
      await Promise.all([a.stop(), b.stop()]);
    });
    const breakerOf = (m: ResilienceManager, p: string) => m.circuitBreakerSource().get(`writers/api_quota/${p}`)!;
    const tripped: number[] = [];
    const cooled: number[] = [];
    for (let i = 0; i < 20; i++) {
      let start = performance.now();
      breakerOf(a, 'openai').trip();
      await until(() => breakerOf(b, 'openai').state === CircuitState.Open);
      tripped.push(performance.now() - start);
      breakerOf(a, 'openai').reset();
      await until(() => breakerOf(b, 'openai').state === CircuitState.Closed);
      let seen = false;
      const sub = b.onProviderCooldown(() => (seen = true));
      start = performance.now();
      a.reportProviderFailure(ResourceType.API_QUOTA, 'anthropic', { cooldownMs: 1_000 * (i + 1) }); // later each time
      await until(() => seen);
      cooled.push(performance.now() - start);
      sub.dispose();
    }

    // 3. convergence after an outage (proxy cut 5 s, a breaker change in each replica meanwhile)
    const converge: number[] = [];
    for (let i = 0; i < 3; i++) {
      breakerOf(a, 'openai').trip();
      await until(() => breakerOf(b, 'openai').state === CircuitState.Open);
      await proxy.cut();
      breakerOf(a, 'openai').reset();
      breakerOf(b, 'anthropic').trip();
      await sleep(5_000);
      await proxy.restore();
      const back = performance.now();
      await until(() => breakerOf(b, 'openai').state === CircuitState.Closed && breakerOf(a, 'anthropic').state === CircuitState.Open);
      converge.push(performance.now() - back);
      breakerOf(b, 'anthropic').reset();
      await until(() => breakerOf(a, 'anthropic').state === CircuitState.Closed);
    }
    const ms = (v: number) => v.toFixed(2);
    return formatTable([
      ['measure', 'value'],
      ['execute(), no sharing, ns/call', alone.toFixed(0)],
      ['execute(), breakers + cooldowns shared over Redis, ns/call', withRedis.toFixed(0)],
      ['breaker opened in A → open in B, ms (median of 20)', ms(median(tripped))],
      ['provider cooled in A → cooled in B, ms (median of 20)', ms(median(cooled))],
      ['Redis back after a 5 s outage → replicas agree, ms (median of 3; bound 2 000 + reconcileIntervalMs 2 000)', ms(median(converge))],
      ['  (each run)', converge.map((v) => v.toFixed(0)).join(', ')],
    ]);
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await proxy.close();
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const calls = Number(process.env.BENCH_REDIS_CALLS ?? 20_000);
  console.log(`## Sharing state through Redis (node ${process.version})\n`);
  console.log(await benchRedisSharing(calls));
}
