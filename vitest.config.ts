import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const pkgs = ['core', 'llm', 'ai-sdk', 'postgres', 'mcp', 'docker', 'kubernetes', 'inversify', 'redis', 'prometheus', 'channels'];
const src = (p: string) => fileURLToPath(new URL(`./packages/${p}`, import.meta.url));
// Tests run against the sources, not dist: `@rampart/x` and `@rampart/x/testing` resolve to src/.
const alias = pkgs.flatMap((p) => [
  { find: new RegExp(`^@rampart/${p}/testing$`), replacement: `${src(p)}/src/testing/index.ts` },
  { find: new RegExp(`^@rampart/${p}/internal$`), replacement: `${src(p)}/src/internal.ts` },
  { find: new RegExp(`^@rampart/${p}$`), replacement: `${src(p)}/src/index.ts` },
]);

// Decorator tests run twice: once compiled as TC39 standard decorators, once as legacy
// `experimentalDecorators` (with metadata, as inversify users compile). swc's decoratorVersion
// overrides legacyDecorator, so each mode needs its own plugin instance and project.
const standard = swc.vite({
  jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { decoratorVersion: '2022-03' }, target: 'es2022' },
});
const legacy = swc.vite({
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
});

/**
 * Vitest's order (failed first, then the longest by the last run's durations, or the largest files on a
 * run with no cache, as a fresh clone's is), except that the `*.process.test.ts` files start first:
 * they drive child processes through minutes of Redis outages, and a small file of them sorted last
 * by size would leave one worker running alone at the end of the run.
 */
class ProcessTestsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const long = (f: TestSpecification) => f.moduleId.endsWith('.process.test.ts');
    return [...sorted.filter(long), ...sorted.filter((f) => !long(f))];
  }
}

/**
 * In CI a failed test runs once more before it counts as failed: the suite drives real servers and child
 * processes on a 2-core machine with two test files at a time, and three fresh-clone runs on 2026-12-07
 * each lost one different test to start-up timing (an MCP stdio spawn's first check, a PostgreSQL port
 * not yet accepting, a 150 ms retry-after racing a 5 s one). A test that fails twice still fails the run;
 * vitest reports every retried test, so flaky ones stay visible. Locally there is no retry.
 */
const retry = process.env.CI ? 1 : 0;
const shared = { alias, restoreMocks: true, testTimeout: 20_000, hookTimeout: 30_000, retry };

/**
 * At least two test files at a time, even on a 2-core machine (vitest's default there is one): much of the
 * suite waits on child processes, servers and Redis outages rather than computing, so a second worker
 * halves the wall time (measured on this 2-core machine, Node 20: 13.5 min with one worker, 8.0 min with
 * two, `npx vitest run`), which keeps CI's two full runs (Node 20 and 24) well inside 30 minutes.
 */
const maxWorkers = Math.max(2, availableParallelism());

export default defineConfig({
  test: {
    maxWorkers,
    reporters: ['default', './test/summary-reporter.ts'],
    sequence: { sequencer: ProcessTestsFirst },
    projects: [
      {
        plugins: [standard],
        test: {
          ...shared,
          name: 'standard',
          include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'docs/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', '**/*.legacy.test.ts'],
        },
      },
      {
        plugins: [legacy],
        test: {
          ...shared,
          name: 'legacy',
          include: ['packages/*/src/**/*.legacy.test.ts', 'packages/*/src/**/*.decorators.test.ts', 'test/**/*.legacy.test.ts', 'test/**/*.decorators.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
        },
      },
    ],
  },
});
