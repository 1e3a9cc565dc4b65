// Every examples/*/README.md run command runs to the end (exit 0) against the built packages and
// the built example, as a user runs it from the repository root. The build step of the README
// (`npm run build -w …`, or turbo in `npm run demo`) is done by ensureExampleBuilt first.
// Real services: PostgreSQL at 127.0.0.1:5432 (postgres-replicas), Redis at 127.0.0.1:6379
// (team-channels). postgres-replicas must also leave no database behind.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureExampleBuilt, root } from './built-packages.js';
import { killRunning, runScript } from './run-script.js';

/**
 * The README's run commands: the lines of its ```sh blocks that are not a build or a comment.
 * marketing-team's README says `npm run demo` (the root script: turbo build, then its `node` line).
 */
function runCommands(example: string): string[][] {
  if (example === 'marketing-team') return [['node', 'examples/marketing-team/dist/main.js']];
  const readme = readFileSync(join(root, 'examples', example, 'README.md'), 'utf8');
  const lines = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n'));
  return lines.filter((l) => l.trim() !== '' && !l.startsWith('#') && !/\brun build\b/.test(l)).map((l) => l.trim().split(/\s+/));
}

/**
 * The README's build lines. On a fresh clone (`npm ci`, nothing built) the example's own `tsc` cannot
 * find the packages' types, so the line must be turbo's build of the example, which builds the
 * packages it depends on first (turbo.json: build dependsOn ^build). Running it here would rewrite
 * dist files other test files' child processes are loading, so the line's form is what is checked;
 * `ensureExampleBuilt` does the build.
 */
function buildCommands(example: string): string[] {
  if (example === 'marketing-team') return [];
  const readme = readFileSync(join(root, 'examples', example, 'README.md'), 'utf8');
  const lines = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n'));
  return lines.filter((l) => /\brun build\b/.test(l)).map((l) => l.replace(/#.*$/, '').trim());
}

const examples = readdirSync(join(root, 'examples'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

async function leftoverDatabases(): Promise<string[]> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'rampart_example_%'");
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

describe('examples run to the end from their README command', () => {
  afterAll(killRunning);

  it('every example has a run command', () => {
    for (const example of examples) expect(runCommands(example), example).not.toEqual([]);
  });

  it('every build command builds the example with the packages it uses (works on a fresh clone)', () => {
    for (const example of examples) {
      const name = (JSON.parse(readFileSync(join(root, 'examples', example, 'package.json'), 'utf8')) as { name: string }).name;
      if (example !== 'marketing-team') expect(buildCommands(example), example).not.toEqual([]);
      for (const line of buildCommands(example)) expect(line, example).toBe(`npx turbo run build --filter=${name}`);
    }
  });

  it.concurrent.each(examples)('%s', async (example) => {
    await ensureExampleBuilt(example);
    for (const [command, ...args] of runCommands(example)) {
      const run = await runScript(command === 'node' ? process.execPath : command!, args);
      expect({ code: run.code, signal: run.signal }, `${[command, ...args].join(' ')}\n${run.stdout.join('\n')}\n${run.stderr}`).toEqual({
        code: 0,
        signal: null,
      });
    }
    if (example === 'postgres-replicas') expect(await leftoverDatabases()).toEqual([]);
  }, 300_000);
});
