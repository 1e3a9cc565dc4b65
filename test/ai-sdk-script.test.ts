// Issue 12, the AI SDK's first Done-when as a new user would prove it: an app installs the packed
// @rampart/core, @rampart/llm and @rampart/ai-sdk (what `npm publish` would ship) beside `ai` 7 with
// @ai-sdk/openai and @ai-sdk/anthropic 4 on Node >= 22, else `ai` 6 with the providers' 3, and runs a
// plain ESM script that uses only the AI SDK's public API, createResilientModel and the loopback mock
// from @rampart/llm/testing. The primary model fails with a 429 (retry-after 1 s), a 503, a refused
// connection and a hang; streamText is cut before and after its first chunk; the requests are counted
// at the mock. A CommonJS script require()s the same packages and switches on a 503. Each script
// prints one JSON line and must exit by itself (models and mock closed, nothing left open).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePackagesBuilt } from './waits/built-packages.js';

const repo = join(import.meta.dirname, '..');
let dir = '';
// `ai` 7 (LanguageModelV4) declares Node >= 22; `ai` 6 (LanguageModelV3) is what Node 20 can run.
// The ranges are packages/ai-sdk's devDependencies (ai6/ai7, ai-sdk-openai3/4, ai-sdk-anthropic3/4).
const aiMajor = Number(process.versions.node.split('.')[0]) >= 22 ? 7 : 6;
const SDK = aiMajor === 7
  ? { ai: '^7.0.100', '@ai-sdk/openai': '^4.0.126', '@ai-sdk/anthropic': '^4.0.112' }
  : { ai: '^6.0.333', '@ai-sdk/openai': '^3.0.141', '@ai-sdk/anthropic': '^3.0.140' };

function run(cmd: string, args: string[], cwd: string, timeout = 200_000): string {
  const env = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env, timeout });
}

/** Run a script of the app; it exits 0 by itself (execFileSync throws otherwise) and its last line is JSON. */
function script(name: string): Record<string, any> {
  // 60 s is a guard against a script that never exits (an open handle), not a measurement
  const lines = run(process.execPath, [name], dir, 60_000).trim().split('\n');
  return JSON.parse(lines.at(-1)!) as Record<string, any>;
}

const ESM = `
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateText, streamText } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createResilientModel } from '@rampart/ai-sdk';
import { MockProviderServer } from '@rampart/llm/testing';

globalThis.AI_SDK_LOG_WARNINGS = false; // the mock's model names are unknown to @ai-sdk/anthropic: it warns about max tokens
const quiet = { env: { RAMPART_LOG_LEVEL: 'silent' } };
const mock = await MockProviderServer.start();
const out = {};

// a loopback port nothing listens on: connection refused
const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const refusedPort = server.address().port;
await new Promise((resolve) => server.close(resolve));

// when each request to the primary left and when its answer arrived (through the provider's fetch option)
const primarySent = [];
const timedFetch = async (url, init) => {
  const r = { sentAt: performance.now() };
  primarySent.push(r);
  const res = await fetch(url, init);
  r.status = res.status;
  r.answeredAt = performance.now();
  return res;
};
const openai = (name, fetch) => createOpenAI({ baseURL: mock.openaiBaseURL(name), apiKey: 'sk-test', fetch }).chat('gpt-' + name);
const anthropic = (name) => createAnthropic({ baseURL: mock.anthropicBaseURL(name) + '/v1', apiKey: 'sk-test' })('claude-' + name);
const pair = (options = {}) =>
  createResilientModel({ resilience: quiet, models: [{ name: 'primary', model: openai('primary', timedFetch) }, { name: 'secondary', model: anthropic('secondary') }], timeoutMs: 2000, ...options });
const counts = () => ({ primary: mock.count({ provider: 'primary' }), secondary: mock.count({ provider: 'secondary' }) });
const fresh = () => {
  mock.clearRequests();
  for (const p of ['primary', 'secondary']) mock.provider(p).reset();
  primarySent.length = 0;
};
async function using(model, fn) {
  try {
    return await fn(model);
  } finally {
    await model.close();
  }
}

try {
  // 429 with retry-after 1 s: the secondary answers, nothing goes to the primary until 1 s after its
  // 429 arrived, then the primary answers again. maxRetries is the AI SDK's default (2) throughout.
  fresh();
  out.rateLimit = await using(pair(), async (model) => {
    out.specificationVersion = model.specificationVersion;
    const first = (await generateText({ model, prompt: 'hello' })).text;
    mock.provider('primary').enqueue({ type: 'rate_limit', retryAfterSeconds: 1 });
    const storm = (await generateText({ model, prompt: 'storm' })).text;
    const limited = primarySent[1];
    const answeredBy = new Set();
    let back;
    for (let i = 0; i < 100 && back === undefined; i++) {
      const text = (await generateText({ model, prompt: 'call ' + i })).text;
      if (text.startsWith('primary/')) back = text;
      else answeredBy.add(text.split('/')[0]);
      await sleep(50);
    }
    return {
      first,
      storm,
      limitedStatus: limited.status,
      inWindowAnsweredBy: [...answeredBy],
      primaryRequestsInWindow: primarySent.filter((r) => r.sentAt >= limited.answeredAt && r.sentAt < limited.answeredAt + 1000).length,
      msFrom429ToNextPrimaryRequest: Math.floor(primarySent[2].sentAt - limited.answeredAt),
      back,
      requests: counts(),
    };
  });

  // 503 on the primary: the secondary answers, one request each
  fresh();
  out.unavailable = await using(pair({ timeoutMs: 2_000 }), async (model) => {
    mock.provider('primary').enqueue({ type: 'unavailable' });
    const text = (await generateText({ model, prompt: 'unavailable', maxRetries: 2 })).text;
    return { text, requests: counts() };
  });

  // connection refused: nothing listens on the primary's port
  fresh();
  const refused = createOpenAI({ baseURL: 'http://127.0.0.1:' + refusedPort + '/v1', apiKey: 'sk-test' }).chat('gone');
  const refusedPair = createResilientModel({ resilience: quiet, models: [{ name: 'primary', model: refused }, { name: 'secondary', model: anthropic('secondary') }], timeoutMs: 2_000 });
  out.refused = await using(refusedPair, async (model) => {
    const started = performance.now();
    const text = (await generateText({ model, prompt: 'refused', maxRetries: 2 })).text;
    return { text, ms: Math.round(performance.now() - started), requests: counts() };
  });

  // a hang: the primary never answers; it is given up after timeoutMs (2 000) and the secondary answers (within it too, in a cold child on a loaded machine)
  fresh();
  out.hang = await using(pair({ timeoutMs: 2_000 }), async (model) => {
    mock.provider('primary').enqueue({ type: 'hang' });
    const started = performance.now();
    const text = (await generateText({ model, prompt: 'hang', maxRetries: 2 })).text;
    return { text, ms: Math.round(performance.now() - started), requests: counts() };
  });

  // streamText, the primary's stream cut before its first chunk: one clean answer from the secondary
  fresh();
  out.streamCutBeforeOutput = await using(pair(), async (model) => {
    mock.provider('primary').enqueue({ type: 'stream_disconnect', afterChunks: 0 });
    let text = '';
    for await (const t of streamText({ model, prompt: 'one two three' }).textStream) text += t;
    return { text, requests: counts() };
  });

  // streamText, the primary's stream cut after two chunks: the typed error carrying what was
  // received, nothing from the secondary spliced on
  fresh();
  out.streamCutAfterOutput = await using(pair(), async (model) => {
    mock.provider('primary').enqueue({ type: 'stream_disconnect', afterChunks: 2 });
    const whole = 'primary/gpt-primary: alpha beta gamma delta';
    const errors = [];
    const s = streamText({ model, prompt: 'alpha beta gamma delta', onError: ({ error }) => errors.push(error) });
    let text = '';
    let thrown;
    try {
      for await (const t of s.textStream) text += t;
      await s.text;
    } catch (err) {
      thrown = err;
    }
    const err = errors[0] ?? thrown;
    return {
      errorName: err?.name,
      model: err?.model,
      textSoFarIsWhatWasReceived: err?.textSoFar === text,
      receivedAStrictPrefixOfThePrimarysAnswer: text.length > 0 && text.length < whole.length && whole.startsWith(text),
      message: err?.message,
      requests: counts(),
    };
  });

  // one upstream request per attempt: both models answer 500 to everything; the chain makes three
  // attempts (primary, secondary, a retry on the primary) whatever the AI SDK's maxRetries says
  out.failingCall = {};
  for (const maxRetries of [0, 2]) {
    fresh();
    for (const p of ['primary', 'secondary']) mock.provider(p).setFaultRate(1, [{ type: 'server_error' }]);
    const chain = { api_quota: [{ strategy: 'retry', maxAttempts: 2, backoff: 'fixed', baseDelayMs: 1 }, { strategy: 'switch_provider' }] };
    const model = pair({ deadlineMs: 2000, resilience: { ...quiet, transientCooldownMs: 60000, maxProviderWaitMs: 0, fallbackStrategies: chain } });
    out.failingCall['maxRetries' + maxRetries] = await using(model, async () => {
      try {
        await generateText({ model, prompt: 'x', maxRetries });
        return { rejected: false };
      } catch (err) {
        return { rejected: true, errorName: err.name, requests: counts() };
      }
    });
  }
} finally {
  await mock.close();
}
console.log(JSON.stringify(out));
`;

const CJS = `
const { generateText } = require('ai');
const { createOpenAI } = require('@ai-sdk/openai');
const { createAnthropic } = require('@ai-sdk/anthropic');
const { createResilientModel, StreamInterruptedError } = require('@rampart/ai-sdk');
const { MockProviderServer } = require('@rampart/llm/testing');

globalThis.AI_SDK_LOG_WARNINGS = false;
(async () => {
  const mock = await MockProviderServer.start();
  try {
    const model = createResilientModel({
      resilience: { env: { RAMPART_LOG_LEVEL: 'silent' } },
      models: [
        { name: 'primary', model: createOpenAI({ baseURL: mock.openaiBaseURL('primary'), apiKey: 'sk-test' }).chat('gpt-primary') },
        { name: 'secondary', model: createAnthropic({ baseURL: mock.anthropicBaseURL('secondary') + '/v1', apiKey: 'sk-test' })('claude-secondary') },
      ],
    });
    try {
      mock.provider('primary').enqueue({ type: 'unavailable' });
      const { text } = await generateText({ model, prompt: 'required' });
      const requests = { primary: mock.count({ provider: 'primary' }), secondary: mock.count({ provider: 'secondary' }) };
      console.log(JSON.stringify({ text, requests, streamInterruptedError: typeof StreamInterruptedError }));
    } finally {
      await model.close();
    }
  } finally {
    await mock.close();
  }
})().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
`;

const installedMajor = (pkg: string) => (JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version.split('.')[0];

describe(`a plain script: the AI SDK's public API and createResilientModel, ai ${aiMajor} on Node ${process.versions.node}`, () => {
  beforeAll(async () => {
    await ensurePackagesBuilt();
    dir = mkdtempSync(join(tmpdir(), 'rampart-ai-sdk-script-'));
    run('npm', ['pack', '--silent', '--pack-destination', dir, '-w', '@rampart/core', '-w', '@rampart/llm', '-w', '@rampart/ai-sdk'], repo);
    const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    const sdk = Object.entries(SDK).map(([name, range]) => `${name}@${range}`);
    run('npm', ['install', '--prefer-offline', '--no-package-lock', ...sdk, ...tarballs.map((t) => `./${t}`)], dir);
    writeFileSync(join(dir, 'check.mjs'), ESM);
    writeFileSync(join(dir, 'check.cjs'), CJS);
  }, 240_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`npm installed ai ${aiMajor} and its providers' major beside the packed packages`, () => {
    expect(installedMajor('ai')).toBe(String(aiMajor));
    for (const p of ['@ai-sdk/openai', '@ai-sdk/anthropic']) expect(installedMajor(p)).toBe(String(aiMajor - 3));
    for (const p of ['core', 'llm', 'ai-sdk']) expect(installedMajor(`@rampart/${p}`)).toBe('0');
  });

  it('check.mjs: 429 with retry-after, 503, refused, hang, streams cut before and after output; one request per attempt', () => {
    const out = script('check.mjs');
    console.log(`[ai ${aiMajor}, Node ${process.versions.node}] check.mjs: ${JSON.stringify(out)}`);
    expect(out.specificationVersion).toBe(aiMajor === 7 ? 'v4' : 'v3');

    const r = out.rateLimit;
    expect(r.first).toBe('primary/gpt-primary: hello');
    expect(r.limitedStatus).toBe(429);
    expect(r.storm).toBe('secondary/claude-secondary: storm');
    expect(r.inWindowAnsweredBy).toEqual(['secondary']);
    // nothing reached the primary inside its retry-after; once it elapsed, the primary answered again
    expect(r.primaryRequestsInWindow).toBe(0);
    expect(r.msFrom429ToNextPrimaryRequest).toBeGreaterThanOrEqual(1000);
    expect(r.back).toMatch(/^primary\/gpt-primary: call \d+$/);
    // the ok answer, the 429, the answer after the window: one request each, nothing retried by the AI SDK
    expect(r.requests.primary).toBe(3);

    expect(out.unavailable).toEqual({ text: 'secondary/claude-secondary: unavailable', requests: { primary: 1, secondary: 1 } });
    expect(out.refused).toMatchObject({ text: 'secondary/claude-secondary: refused', requests: { primary: 0, secondary: 1 } });
    expect(out.hang).toMatchObject({ text: 'secondary/claude-secondary: hang', requests: { primary: 1, secondary: 1 } });
    // the primary was given its timeoutMs (2 000), then given up (10 ms of slack: timers and the clock differ by a few)
    expect(out.hang.ms).toBeGreaterThanOrEqual(1_990);

    expect(out.streamCutBeforeOutput).toEqual({ text: 'secondary/claude-secondary: one two three', requests: { primary: 1, secondary: 1 } });
    expect(out.streamCutAfterOutput).toMatchObject({
      errorName: 'StreamInterruptedError',
      model: 'primary',
      textSoFarIsWhatWasReceived: true,
      receivedAStrictPrefixOfThePrimarysAnswer: true,
      requests: { primary: 1, secondary: 0 },
    });

    // the same three requests (primary, secondary, the chain's retry on the primary) for maxRetries 0 and 2
    const failing = { rejected: true, errorName: 'FallbackExhaustedError', requests: { primary: 2, secondary: 1 } };
    expect(out.failingCall).toEqual({ maxRetries0: failing, maxRetries2: failing });
  }, 90_000);

  it('check.cjs: require() of @rampart/ai-sdk and ai; a 503 switches to the secondary', () => {
    const out = script('check.cjs');
    console.log(`[ai ${aiMajor}, Node ${process.versions.node}] check.cjs: ${JSON.stringify(out)}`);
    expect(out).toEqual({ text: 'secondary/claude-secondary: required', requests: { primary: 1, secondary: 1 }, streamInterruptedError: 'function' });
  }, 60_000);
});
