// The LLM SDKs are optional peer dependencies of @rampart/llm (issue 12 item 4): an app installs
// @rampart/llm and @rampart/core from their packed tarballs (what `npm publish` would ship) plus
// `openai` only (7 on Node >= 22, else 6). npm does not install @anthropic-ai/sdk, and the app still imports @rampart/llm from
// ESM and requires it from CommonJS, answers through an openai provider against the loopback mock,
// and gets a ConfigError naming the provider when it configures an anthropic one. Without `openai`
// too, the package still loads and says which package to install.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePackagesBuilt } from './waits/built-packages.js';

const repo = join(import.meta.dirname, '..');
let dir = '';
// the app installs the current openai major where it runs (openai 7 needs Node >= 22), else openai 6:
// either must satisfy @rampart/llm's peer range, or npm refuses the install
const openaiMajor = Number(process.versions.node.split('.')[0]) >= 22 ? 7 : 6;

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
}

/** The body of a script (ESM or CommonJS, in an async function) that prints one JSON line. */
const CHECK = `
  const { MockProviderServer } = lib.testing;
  const { ResilientLLM } = lib.llm;
  const out = {};
  try { lib.resolve('@anthropic-ai/sdk'); out.anthropicInstalled = true; } catch { out.anthropicInstalled = false; }
  const server = await MockProviderServer.start();
  const openai = { name: 'openai', kind: 'openai', model: 'gpt-4o', apiKey: 'sk-test', baseURL: server.openaiBaseURL('openai') };
  const anthropic = { name: 'claude', kind: 'anthropic', model: 'claude-big', apiKey: 'sk-ant-test', baseURL: server.anthropicBaseURL('claude') };
  const quiet = { env: {}, resilience: { env: { RAMPART_LOG_LEVEL: 'silent' } } };
  try {
    if (process.argv[2] === 'call') {
      const llm = new ResilientLLM({ ...quiet, providers: [openai] });
      const res = await llm.invoke('hello');
      out.answer = res.provider + ' ' + res.text;
      await llm.close();
    }
    for (const providers of [[openai, anthropic], [openai]]) {
      try {
        const llm = new ResilientLLM({ ...quiet, providers });
        out[providers.length] = 'constructed';
        await llm.close();
      } catch (err) {
        out[providers.length] = { name: err.name, configError: lib.ConfigError.isInstance(err), path: err.path, message: err.message };
      }
    }
  } finally {
    await server.close();
  }
  console.log(JSON.stringify(out));
`;

const ESM = `
import { createRequire } from 'node:module';
import * as llm from '@rampart/llm';
import * as testing from '@rampart/llm/testing';
import { ConfigError } from '@rampart/core';
const lib = { llm, testing, ConfigError, resolve: createRequire(import.meta.url).resolve };
${CHECK}`;

const CJS = `
const lib = { llm: require('@rampart/llm'), testing: require('@rampart/llm/testing'), ConfigError: require('@rampart/core').ConfigError, resolve: require.resolve };
(async () => {
${CHECK}
})().catch((err) => { console.error(err); process.exitCode = 1; });`;

function check(script: string, mode: 'call' | 'construct'): Record<string, unknown> {
  return JSON.parse(run(process.execPath, [script, mode], dir).trim()) as Record<string, unknown>;
}

const missing = (index: number, kind: string, pkg: string) => ({
  name: 'ConfigError',
  configError: true,
  path: `providers[${index}].kind`,
  message: `providers[${index}].kind: kind "${kind}" needs the ${pkg} package, which is not installed: npm i ${pkg} (or pass a ready client)`,
});

describe('@rampart/llm with only the SDK the app uses', () => {
  beforeAll(async () => {
    await ensurePackagesBuilt();
    dir = mkdtempSync(join(tmpdir(), 'rampart-optional-sdks-'));
    run('npm', ['pack', '--silent', '--pack-destination', dir, '-w', '@rampart/core', '-w', '@rampart/llm'], repo);
    const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    run('npm', ['install', '--prefer-offline', '--no-package-lock', openaiMajor === 7 ? 'openai@^7' : 'openai@^6.49.0', ...tarballs.map((t) => `./${t}`)], dir);
    writeFileSync(join(dir, 'check.mjs'), ESM);
    writeFileSync(join(dir, 'check.cjs'), CJS);
  }, 240_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('npm installs neither SDK for @rampart/llm: they are optional peers', () => {
    expect(existsSync(join(dir, 'node_modules', '@rampart', 'llm', 'package.json'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules', '@anthropic-ai'))).toBe(false);
    const openai = JSON.parse(readFileSync(join(dir, 'node_modules', 'openai', 'package.json'), 'utf8')) as { version: string };
    expect(openai.version.split('.')[0]).toBe(String(openaiMajor)); // the app's own
  });

  it.each(['check.mjs', 'check.cjs'])(`%s: answers through openai ${openaiMajor}; an anthropic provider is a ConfigError at construction`, (script) => {
    expect(check(script, 'call')).toEqual({
      anthropicInstalled: false,
      answer: 'openai openai/gpt-4o: hello',
      1: 'constructed',
      2: missing(1, 'anthropic', '@anthropic-ai/sdk'),
    });
  });

  it.each(['check.mjs', 'check.cjs'])('%s: without openai too, @rampart/llm loads and names the package to install', (script) => {
    rmSync(join(dir, 'node_modules', 'openai'), { recursive: true, force: true });
    expect(check(script, 'construct')).toEqual({
      anthropicInstalled: false,
      1: missing(0, 'openai', 'openai'),
      2: missing(0, 'openai', 'openai'),
    });
  });
});
