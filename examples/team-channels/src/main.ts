import { runScenario } from './scenario.js';

// Needs the Redis at REDIS_URL (default redis://127.0.0.1:6379); everything else is on loopback and in a temp dir.
await runScenario({ log: (line) => console.log(line) });
