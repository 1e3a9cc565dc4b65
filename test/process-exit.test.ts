// The process exits by itself after thousands of calls through retry + breaker + timeout: no
// Rampart timer keeps it alive. Runs the BUILT package (dist) in a real child process.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const coreDir = join(root, 'packages', 'core');
const child = join(root, 'test', 'fixtures', 'process-exit-child.mjs');

/** Newest modification time of the files under `dir` accepted by `keep`. */
function newest(dir: string, keep: (file: string) => boolean): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path, keep));
    else if (keep(entry.name)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

const isSource = (name: string) => name.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(name);

/** Build packages/core/dist when it is missing or older than its sources. */
function ensureBuilt(): void {
  const dist = join(coreDir, 'dist');
  const built = existsSync(join(dist, 'index.js')) ? newest(dist, (n) => n.endsWith('.js')) : 0;
  if (built >= newest(join(coreDir, 'src'), isSource)) return;
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(coreDir, 'tsconfig.build.json')], {
      cwd: root,
      stdio: 'pipe',
    });
  } catch (error) {
    // tsc emits despite type errors elsewhere in the package; only a missing output is fatal here
    if (!existsSync(join(dist, 'index.js'))) throw error;
  }
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(script: string, args: string[]): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [script, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('error', reject);
    proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('process exit', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  // The guard is the test timeout: the child's policies use ten-minute deadlines and recovery
  // times, so a timer that held the process would outlive it. No wall-clock assertion.
  it.each([
    ['the system clock (foreground timers held, background ones unref()ed)', []],
    ['a clock whose timers hold the process, so every timer must have been released', ['strict']],
  ])('exits by itself with code 0 after thousands of calls through retry + breaker + timeout, on %s', async (_name, args) => {
    const exit = await run(child, args);
    expect(exit.stderr).toBe('');
    expect(exit.signal).toBeNull();
    expect(exit.code).toBe(0);
    const line = exit.stdout.trim().split('\n').at(-1)!;
    // 5,000 calls: 4,000 succeed (1,000 after a failure, 1,000 after a deadline), 1,000 time out on
    // every attempt; then 100 failing calls open a circuit: the first exhausts its retries, the 99
    // after it are refused by the open circuit at once (BrokenCircuitError is not retried), one
    // rejection each. `beforeExit` is printed only when the event loop empties by itself.
    expect(JSON.parse(line)).toEqual({
      event: 'beforeExit',
      strict: args.length > 0,
      calls: 5_100,
      ok: 4_000,
      exhausted: 1_001,
      other: 99,
      circuit: 'open',
      rejections: 99,
    });
  }, 60_000);
});
