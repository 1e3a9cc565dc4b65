// The AI SDK team's schedule of failures: what each generateText/streamText call met and who answered.
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createResilientModel, StreamInterruptedError } from '@rampart/ai-sdk';
import { ResilienceManager, type HealthReport } from '@rampart/core';
import { startMockProviderServer } from '@rampart/llm/testing';
import { generateText, streamText } from 'ai';
import { PortGate } from './port-gate.js';

/** One printed line: the step, who answered, how long the call took, and what the caller got. */
export interface StepLine {
  step: string;
  answeredBy: string;
  ms: number;
  detail: string;
}

export interface DemoResult {
  lines: StepLine[];
  report: HealthReport;
  /** Requests each mock provider received, by name. */
  requests: Record<string, number>;
}

/** The model that wrote a mock answer (`openai/gpt-4o: …` → `openai`). */
function author(text: string): string {
  return /^(\w+)\//.exec(text)?.[1] ?? 'unknown';
}

/**
 * Run the schedule against `@rampart/llm/testing`'s mock server (OpenAI and Anthropic wire formats on
 * loopback) through the real `@ai-sdk/openai` and `@ai-sdk/anthropic` providers.
 */
export async function runDemo(options: { log?: (line: StepLine) => void } = {}): Promise<DemoResult> {
  const server = await startMockProviderServer();
  // OpenAI is reached through a port that can refuse connections (step 6) and come back (step 7).
  const gate = await PortGate.open(Number(new URL(server.url).port));
  const manager = new ResilienceManager('ai-sdk-team');
  const openai = createOpenAI({ baseURL: gate.through(server.openaiBaseURL('openai')), apiKey: 'sk-demo' });
  const anthropic = createAnthropic({ baseURL: `${server.anthropicBaseURL('anthropic')}/v1`, apiKey: 'sk-ant-demo' });
  const local = createOpenAI({ baseURL: server.openaiBaseURL('local'), apiKey: 'not-needed' });
  const model = createResilientModel({
    manager,
    models: [
      { name: 'openai', model: openai.chat('gpt-4o') },
      { name: 'anthropic', model: anthropic('claude-sonnet-4-5') },
      { name: 'local', model: local.chat('llama3') },
    ],
    timeoutMs: 2_000, // per attempt: a hung model is given up after 2 s
  });
  const lines: StepLine[] = [];
  const log = (step: string, answeredBy: string, started: number, detail: string) => {
    const line = { step, answeredBy, ms: Math.round(performance.now() - started), detail };
    lines.push(line);
    options.log?.(line);
    return line;
  };
  const generate = async (step: string, prompt: string) => {
    const started = performance.now();
    const r = await generateText({ model, prompt, maxOutputTokens: 64 });
    return log(step, author(r.text), started, r.text);
  };
  const stream = async (step: string, prompt: string) => {
    const started = performance.now();
    let text = '';
    try {
      const s = streamText({ model, prompt, maxOutputTokens: 64, onError: () => undefined });
      for await (const piece of s.textStream) text += piece;
      await s.text;
      log(step, author(text), started, text);
    } catch (err) {
      if (!(err instanceof StreamInterruptedError)) throw err;
      log(step, `${err.model} (interrupted)`, started, `StreamInterruptedError after ${JSON.stringify(err.textSoFar)}`);
    }
  };

  try {
    await manager.start();
    await generate('1. generateText, all healthy', 'Write a tagline');
    await stream('2. streamText, all healthy', 'Stream a tagline');
    server.provider('openai').enqueue({ type: 'stream_disconnect', afterChunks: 0 });
    await stream('3. stream cut before its first chunk', 'Stream a slogan');
    server.provider('openai').enqueue({ type: 'stream_disconnect', afterChunks: 3 });
    await stream('4. stream cut after output started', 'Stream a long campaign plan');
    server.provider('openai').enqueue({ type: 'hang' });
    await generate('5. openai hangs', 'Write a headline');
    await gate.refuse();
    for (let i = 1; i <= 2; i++) await generate(`6.${i} openai refuses connections`, `Write a subject line ${i}`);
    await gate.listen();
    // Calls keep coming, 50 ms apart, until openai answers one again (its cooldown after the refusal is 1 s).
    const back = performance.now();
    let meanwhile = 0;
    for (let i = 1; i <= 200; i++) {
      const r = await generateText({ model, prompt: `Write a hook ${i}`, maxOutputTokens: 64 });
      if (author(r.text) === 'openai') {
        log('7. openai listens again', 'openai', back, `back on openai after ${meanwhile} calls answered by anthropic`);
        break;
      }
      meanwhile++;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    server.provider('openai').setFaultRate(1, [{ type: 'rate_limit', retryAfterSeconds: 60 }]);
    for (let i = 1; i <= 3; i++) await generate(`8.${i} 429 storm at openai (retry-after 60 s)`, `Write post ${i}`);
    server.provider('anthropic').setFaultRate(1, [{ type: 'unavailable' }]);
    for (let i = 1; i <= 2; i++) await generate(`9.${i} anthropic down too (503)`, `Write email ${i}`);
    const report = await manager.getHealthReport();
    const requests = Object.fromEntries(['openai', 'anthropic', 'local'].map((p) => [p, server.count({ provider: p })]));
    return { lines, report, requests };
  } finally {
    await manager.stop();
    await gate.close();
    await server.close();
  }
}
