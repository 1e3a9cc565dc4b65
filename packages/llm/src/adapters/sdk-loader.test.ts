import Anthropic from '@anthropic-ai/sdk';
import { ConfigError } from '@rampart/core';
import OpenAI6 from 'openai';
import OpenAI7 from 'openai-v7';
import { describe, expect, it } from 'vitest';
import { assertSdkInstalled, errorClassesOf, importAnthropic, importOpenAI } from './sdk-loader.js';

describe('sdk-loader', () => {
  it('takes the error classes from the class that made a client, whichever copy or major of the SDK it is', () => {
    const v6 = new OpenAI6({ apiKey: 'sk-x', baseURL: 'http://127.0.0.1:1/v1' });
    const v7 = new OpenAI7({ apiKey: 'sk-x', baseURL: 'http://127.0.0.1:1/v1' });
    const anthropic = new Anthropic({ apiKey: 'sk-x', baseURL: 'http://127.0.0.1:1' });
    expect(errorClassesOf(v6, 'p').APIError).toBe(OpenAI6.APIError);
    expect(errorClassesOf(v7, 'p').APIError).toBe(OpenAI7.APIError);
    expect(OpenAI7.APIError).not.toBe(OpenAI6.APIError);
    expect(errorClassesOf(anthropic, 'p').APIUserAbortError).toBe(Anthropic.APIUserAbortError);
  });

  it('an object that is no SDK client is a ConfigError naming the path and what its class lacks', () => {
    const fake = { withOptions: () => fake, chat: { completions: {} } };
    expect(() => errorClassesOf(fake, 'providers[name=x].client')).toThrow(ConfigError);
    expect(() => errorClassesOf(fake, 'providers[name=x].client')).toThrow(
      'providers[name=x].client: is not an SDK client: its class has no APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError',
    );
  });

  it('installed SDKs pass the construction check and are imported once', async () => {
    // the missing case needs an install without the SDK: test/optional-sdks.test.ts
    expect(() => assertSdkInstalled('openai', 'providers[0].kind')).not.toThrow();
    expect(() => assertSdkInstalled('anthropic', 'providers[1].kind')).not.toThrow();
    const [a, b] = await Promise.all([importOpenAI('openai', 'p'), importOpenAI('openai-compatible', 'p')]);
    expect(a.OpenAI).toBe(OpenAI6);
    expect(b).toBe(a);
    expect((await importAnthropic('p')).Anthropic).toBe(Anthropic);
  });
});
