// Test support (not a test file): make sure packages/*/dist (and, on request, examples/*/dist) are
// built from the current sources before a child process runs them. One build at a time across the
// test files that call it (a lock directory), and a package is rebuilt only when a source is newer
// than its output.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** The packages in build order (every package after the packages it depends on). */
export const PACKAGES = ['core', 'channels', 'llm', 'ai-sdk', 'postgres', 'mcp', 'docker', 'kubernetes', 'inversify', 'redis', 'prometheus'];

const run = promisify(execFile);
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const lock = join(root, 'node_modules', '.cache', 'rampart-build.lock');

/** Newest modification time of the files under `dir` accepted by `keep` (0 for none). */
function newest(dir: string, keep: (file: string) => boolean): number {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path, keep));
    else if (keep(entry.name)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

const isSource = (name: string) => name.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(name);

async function build(dir: string, tsconfig: string, entry: string): Promise<void> {
  const dist = join(dir, 'dist');
  const built = existsSync(join(dist, entry)) ? newest(dist, (n) => n.endsWith('.js')) : 0;
  if (built >= newest(join(dir, 'src'), isSource)) return;
  try {
    await run(process.execPath, [tsc, '-p', join(dir, tsconfig)], { cwd: root });
  } catch (error) {
    // tsc emits despite type errors (work in progress elsewhere); only a missing output is fatal
    if (!existsSync(join(dist, entry))) throw error;
  }
}

async function locked(work: () => Promise<void>): Promise<void> {
  mkdirSync(join(lock, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // a lock left by a killed run is stale after five minutes
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held !== undefined && Date.now() - held.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Build every package whose dist is missing or older than its sources, in dependency order. */
export function ensurePackagesBuilt(): Promise<void> {
  return locked(async () => {
    for (const p of PACKAGES) await build(join(root, 'packages', p), 'tsconfig.build.json', 'index.js');
  });
}

/** Build the packages, then examples/`name` (its `npm run build`: tsc -p tsconfig.json). */
export function ensureExampleBuilt(name: string): Promise<void> {
  return ensurePackagesBuilt().then(() => locked(() => build(join(root, 'examples', name), 'tsconfig.json', 'main.js')));
}
