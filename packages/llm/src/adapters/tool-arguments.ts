import { LlmServerError } from '../errors/llm-server-error.js';

/** Parse a tool call's JSON arguments; a model that sent something else gets a (transient) server error. */
export function parseToolArguments(provider: string, json: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = json.trim() === '' ? {} : JSON.parse(json);
  } catch (cause) {
    throw new LlmServerError(`${provider}: tool call arguments are not valid JSON`, { provider, cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LlmServerError(`${provider}: tool call arguments are not a JSON object`, { provider });
  }
  return value as Record<string, unknown>;
}
