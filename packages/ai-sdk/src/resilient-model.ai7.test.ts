import { describe, it } from 'vitest';
import { aiSdkSuite } from './__fixtures__/ai-sdk-suite.js';

// ai 7 (LanguageModelV4) with @ai-sdk/openai 4 and @ai-sdk/anthropic 4 declare Node >= 22: on an older
// Node the suite is skipped, and it runs under Node 24 (PATH=<node 24>/bin:$PATH npx vitest run …).
const nodeMajor = Number(process.versions.node.split('.')[0]);

if (nodeMajor < 22) {
  describe('createResilientModel with ai 7', () => {
    it.skip(`skipped: ai 7 and @ai-sdk/* 4 need Node >= 22, this is Node ${process.versions.node}; run this file under Node 24`, () => undefined);
  });
} else {
  const [ai, openai, anthropic, provider] = await Promise.all([import('ai7'), import('ai-sdk-openai4'), import('ai-sdk-anthropic4'), import('ai-sdk-provider4')]);
  aiSdkSuite({
    major: 7,
    middlewareVersion: 'v4',
    generateText: ai.generateText,
    streamText: ai.streamText,
    generateObject: ai.generateObject,
    streamObject: ai.streamObject,
    wrapLanguageModel: ai.wrapLanguageModel,
    tool: ai.tool,
    stepCountIs: ai.stepCountIs,
    createOpenAI: openai.createOpenAI,
    createAnthropic: anthropic.createAnthropic,
    APICallError: provider.APICallError,
    RetryError: ai.RetryError,
  } as never);
}
