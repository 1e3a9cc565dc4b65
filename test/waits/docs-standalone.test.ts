// Every ```ts block of README.md and docs/*.md (those docs/docs.test.ts runs inside vitest) also
// runs as a standalone script: written to a file, run by plain `node` against the BUILT packages
// (dist), TypeScript stripped on load by test/support/swc-loader.mjs, with nothing but the block
// holding the process. A wait that did not hold it would end the script early with exit code 13.
// Blocks that need services use the real local PostgreSQL (127.0.0.1:5432) and Redis (6379).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePackagesBuilt, root } from './built-packages.js';
import { deleteDocsKeys } from '../support/docs-redis-keys.js';
import { killRunning, runScript } from './run-script.js';

const docsDir = join(root, 'docs');
const outDir = join(root, 'test', 'waits', '.docs'); // inside the repository: @rampart/* resolves
const swcLoader = join(root, 'test', 'support', 'register-swc-loader.mjs');

/** The runnable blocks of a markdown file, named like docs/docs.test.ts names them. */
function blocks(file: string): Array<{ name: string; code: string }> {
  const page = file.split('/').pop()!.replace(/\.md$/, '');
  const out: Array<{ name: string; code: string }> = [];
  const re = /```(ts|typescript)([^\n]*)\n([\s\S]*?)```/g;
  const markdown = readFileSync(file, 'utf8');
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    if (!/no-run/.test(m[2] ?? '')) out.push({ name: `${page}-${out.length + 1}`, code: m[3] ?? '' });
  }
  return out;
}

const files = [
  ...readdirSync(docsDir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(docsDir, f)),
  join(root, 'README.md'),
];

describe('docs code blocks run as standalone scripts', () => {
  beforeAll(() => {
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, '.gitignore'), '*\n');
    return ensurePackagesBuilt();
  }, 300_000);
  const pids: number[] = [];
  afterAll(async () => {
    killRunning();
    await deleteDocsKeys(pids);
  });

  it.concurrent.each(files.flatMap(blocks))('$name exits 0', async ({ name, code }) => {
    const path = join(outDir, `${name}.ts`);
    writeFileSync(path, code);
    const run = await runScript(process.execPath, ['--import', swcLoader, path], {}, (pid) => pids.push(pid));
    expect({ code: run.code, signal: run.signal }, run.stderr).toEqual({ code: 0, signal: null });
  }, 120_000);
});
