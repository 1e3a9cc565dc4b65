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

  it('the LLM SDKs are optional peer dependencies of @rampart/llm, and nothing else forces them on an app', () => {
    const llm = manifests.find((m) => m.dir === 'llm')!.json;
    expect(llm.peerDependencies).toMatchObject({ openai: '^6.49.0 || ^7.0.0', '@anthropic-ai/sdk': '^1.12.0' });
    expect(llm.peerDependenciesMeta).toMatchObject({ openai: { optional: true }, '@anthropic-ai/sdk': { optional: true } });
    // the workspace still installs them (and openai 7 under an alias) for its own tests
    expect(llm.devDependencies).toMatchObject({ openai: expect.any(String), '@anthropic-ai/sdk': expect.any(String), 'openai-v7': expect.stringMatching(/^npm:openai@\^7\./) });
    for (const { dir, json } of manifests) {
      for (const sdk of ['openai', '@anthropic-ai/sdk']) {
        // @rampart/ai-sdk depends on @rampart/llm: an AI SDK user gets neither SDK through it
        expect(json.dependencies?.[sdk], `${dir}: ${sdk} in dependencies`).toBeUndefined();
      }
    }
  });

  it("every package says the Node versions it is tested on (>= 20.19: require(esm)) and names its siblings' versions, never '*'", () => {
    const rootManifest = JSON.parse(readFileSync(join(root, '..', 'package.json'), 'utf8')) as { engines: Record<string, string> };
    expect(rootManifest.engines.node).toBe('>=20.19');
    for (const { dir, json } of manifests) {
      expect(json.engines?.node, `${dir}: engines.node`).toBe('>=20.19');
      for (const [name, range] of Object.entries({ ...json.dependencies, ...json.peerDependencies })) {
        // a published '*' would accept any future major of a sibling
        if (name.startsWith('@rampart/')) expect(range, `${dir}: ${name}`).toBe('^0.1.0');
      }
    }
  });
});
