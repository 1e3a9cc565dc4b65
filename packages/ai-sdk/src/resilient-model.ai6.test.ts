import { createAnthropic } from 'ai-sdk-anthropic3';
import { createOpenAI } from 'ai-sdk-openai3';
import { APICallError } from 'ai-sdk-provider3';
import { generateObject, generateText, RetryError, stepCountIs, streamObject, streamText, tool, wrapLanguageModel } from 'ai6';
import { aiSdkSuite } from './__fixtures__/ai-sdk-suite.js';

// ai 6 (LanguageModelV3, Node >= 18) with @ai-sdk/openai 3 and @ai-sdk/anthropic 3
aiSdkSuite({ major: 6, middlewareVersion: 'v3', generateText, streamText, generateObject, streamObject, wrapLanguageModel, tool, stepCountIs, createOpenAI, createAnthropic, APICallError, RetryError } as never);
