import { createHash } from 'node:crypto';
import type { ChatRequest } from '../types.js';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * The USE_CACHE key of a request: a SHA-256 of its canonical, provider- and model-independent content
 * (messages, system prompt, temperature, max tokens, tools, tool choice), prefixed with the team, so
 * an answer from one provider may serve the same request later whichever provider is up.
 */
export function requestCacheKey(team: string, request: ChatRequest): string {
  const content = canonical({
    messages: request.messages,
    system: request.system,
    temperature: request.temperature,
    maxTokens: request.maxTokens,
    tools: request.tools,
    toolChoice: request.toolChoice,
  });
  return `llm:${team}:${createHash('sha256').update(JSON.stringify(content)).digest('hex')}`;
}
