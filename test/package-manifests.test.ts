import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', 'packages');
const manifests = readdirSync(root).map((dir) => ({ dir, json: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined> }));

describe('package manifests', () => {
  it('every integration peer-depends on @rampart/core (an app that installs two gets one copy of its registries)', () => {
    const integrations = manifests.filter((m) => m.dir !== 'core');
    expect(integrations.length).toBeGreaterThan(5);
    for (const { dir, json } of integrations) {
      expect(json.dependencies?.['@rampart/core'], `${dir}: @rampart/core in dependencies`).toBeUndefined();
      expect(json.peerDependencies?.['@rampart/core'], `${dir}: @rampart/core in peerDependencies`).toBe('^0.1.0');
    }
  });
});
