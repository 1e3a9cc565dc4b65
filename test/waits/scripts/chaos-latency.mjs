// Chaos latency: every call is delayed by 100 ms before it runs.
import { createChaos } from '@rampart/core';

const chaos = createChaos({ enabled: true, latencyRate: 1, latencyMs: 100, seed: 1 });
console.log(await chaos.execute(async () => 'late answer'));
