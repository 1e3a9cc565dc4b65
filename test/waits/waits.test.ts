// Every wait a caller awaits holds the process until it settles: each script in scripts/ runs in a
// real `node` child process against the BUILT packages (dist), as an ES module with top-level await
// and as a CommonJS script (require() in an async IIFE), with nothing else holding the event loop.
// A wait whose timer did not hold the process ends the ES module with exit code 13 (unsettled
// top-level await) and the CommonJS script with exit code 0 and its result never printed. The guard
// for "exits at once" is the test timeout; there is no wall-clock assertion.
// By hand: `node test/waits/scripts/retry-backoff.mjs` (after `npm run build`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePackagesBuilt, PACKAGES, root } from './built-packages.js';
import { type ModuleKind, scriptFor } from './module-kinds.js';
import { killRunning, runScript } from './run-script.js';

interface WaitCase {
  /** scripts/<script>.mjs */
  script: string;
  /** Its whole output on stdout, line by line. */
  stdout: string[];
}

const WAITS: WaitCase[] = [
  { script: 'retry-backoff', stdout: ['ok 3'] },
  { script: 'rate-limiter-wait', stdout: ['second, after a wait'] },
  { script: 'bulkhead-behind-retry', stdout: ['a,b'] },
  { script: 'timeout-deadline', stdout: ['TimeoutError'] },
  { script: 'timeout-cooperative', stdout: ['TimeoutError'] },
  { script: 'run-with-deadline', stdout: ['TimeoutError'] },
  { script: 'hedging-delay', stdout: ['answer from attempt 2'] },
  { script: 'chaos-latency', stdout: ['late answer'] },
  { script: 'manager-retry', stdout: ['answered on call 2', 'answered on call 2'] },
  { script: 'manager-switch-cooldown', stdout: ['answered after primary and replica1 failed and a cooldown ended'] },
  { script: 'manager-queue-replay', stdout: ['replayed (call 2)'] },
  { script: 'manager-queue-monitor', stdout: ['answered after 3 checks'] },
  { script: 'manager-check-deadline', stdout: ['unavailable'] },
  { script: 'team-channels-request-timeout', stdout: ['RequestTimeoutError'] },
  { script: 'file-channel-receiver', stdout: ['brief: tides'] },
  { script: 'redis-channel-receiver', stdout: ['brief: tides'] },
  { script: 'llm-retry', stdout: ['openai/gpt-4o: Write a tagline (request 3)'] },
  { script: 'llm-switch-cooldown', stdout: ['Write a tagline (request 3): primary failed, switch_provider failed, switch_provider answered'] },
  {
    script: 'llm-queue-replay',
    stdout: ['openai/gpt-4o: Write a tagline (request 6) primary failed, retry failed, switch_provider failed, use_cache failed, queue_request answered'],
  },
  // real PostgreSQL at 127.0.0.1:5432 (trust auth, database test)
  { script: 'postgres-retry', stdout: ['42 primary failed, retry answered'] },
  { script: 'mcp-retry', stdout: ['{"server":"waits","text":"hello"} primary failed, retry answered'] },
  // started, used and stopped: nothing may hold the process afterwards (real Redis at 127.0.0.1:6379)
  { script: 'stopped-manager', stdout: ['stopped; QueueStoppedError'] },
  { script: 'stopped-channels', stdout: ['facts about tides', 'stopped'] },
  { script: 'stopped-clients', stdout: ['openai/gpt-4o: hello', '1', 'hello', 'stopped'] },
];

const scripts = join(root, 'test', 'waits', 'scripts');
const outDir = join(scripts, '.cjs');

describe('every wait holds the process until it settles', () => {
  beforeAll(() => ensurePackagesBuilt(), 300_000);
  afterAll(killRunning);

  // require(esm) (Node >= 20.19) needs a `default` condition in each exports entry and refuses a
  // module graph with top-level await: every entry of every package must load with require().
  it('require() loads every exports entry of every package', async () => {
    const entries = PACKAGES.flatMap((p) => {
      const pkg = JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> };
      return Object.keys(pkg.exports)
        .filter((key) => key !== './package.json')
        .map((key) => `${pkg.name}${key.slice(1)}`);
    });
    const code = `for (const e of ${JSON.stringify(entries)}) console.log(e, Object.keys(require(e)).length > 0);`;
    const run = await runScript(process.execPath, ['-e', code]);
    expect(run).toEqual({ code: 0, signal: null, stdout: entries.map((e) => `${e} true`), stderr: '' });
  }, 60_000);

  const table = WAITS.flatMap((c) => (['esm', 'cjs'] as ModuleKind[]).map((kind) => ({ ...c, kind })));
  it.concurrent.each(table)('$script ($kind) prints its result and exits 0', async ({ script, kind, stdout }) => {
    const file = scriptFor(join(scripts, `${script}.mjs`), kind, outDir);
    expect(await runScript(process.execPath, [file])).toEqual({
      code: 0,
      signal: null,
      stdout,
      stderr: '',
    });
  }, 60_000);
});
