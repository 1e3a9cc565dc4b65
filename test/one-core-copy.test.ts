// An app that installs two integrations from their packed tarballs (what `npm publish` would ship) gets
// one copy of @rampart/core: both integrations and the app resolve the same file, so core's
// process-wide registries (breakers, error classifiers, monitor plugins) are shared, from ESM and CJS.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..');
let dir = '';

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
}

/** Every installed package.json named @rampart/core under node_modules, at any depth. */
function coreCopies(nodeModules: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const path = join(d, entry.name);
      if (path.endsWith(join('@rampart', 'core'))) found.push(path);
      else if (entry.name === 'node_modules' || entry.name.startsWith('@') || d.endsWith('node_modules')) walk(path);
    }
  };
  walk(nodeModules);
  return found;
}

describe('an app installing two integrations', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-one-core-'));
    // The workspace's dist is built by `npm test` before vitest runs. @rampart/redis depends on
    // @rampart/channels (RedisChannel is one of its channels), which would come from the registry.
    run('npm', ['pack', '--silent', '--pack-destination', dir, '-w', '@rampart/core', '-w', '@rampart/channels', '-w', '@rampart/redis', '-w', '@rampart/prometheus'], repo);
    const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    run('npm', ['install', '--prefer-offline', '--no-package-lock', ...tarballs.map((t) => `./${t}`)], dir);
  }, 240_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gets exactly one copy of @rampart/core, and each integration resolves it', () => {
    expect(coreCopies(join(dir, 'node_modules'))).toEqual([join(dir, 'node_modules', '@rampart', 'core')]);
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const app = require.resolve('@rampart/core');
      const fromRedis = createRequire(require.resolve('@rampart/redis')).resolve('@rampart/core');
      const fromProm = createRequire(require.resolve('@rampart/prometheus')).resolve('@rampart/core');
      const { circuitBreakers } = await import('@rampart/core');
      await import('@rampart/redis');
      await import('@rampart/prometheus');
      circuitBreakers.getOrCreate('shared-breaker');
      const viaRequire = require('@rampart/core').circuitBreakers;
      console.log(JSON.stringify({ same: app === fromRedis && app === fromProm, registry: viaRequire === circuitBreakers, has: viaRequire.has('shared-breaker') }));
    `;
    writeFileSync(join(dir, 'check.mjs'), script);
    const out = JSON.parse(run(process.execPath, ['check.mjs'], dir).trim()) as Record<string, boolean>;
    expect(out).toEqual({ same: true, registry: true, has: true });
  });
});
