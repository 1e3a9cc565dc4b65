import { ConfigError } from '@rampart/core';
import { zodIssueToConfigError } from '@rampart/core/internal';
import { z } from 'zod';
import type { ChatRequest } from '../types.js';

const toolCall = z.strictObject({ id: z.string().min(1), name: z.string().min(1), arguments: z.record(z.string(), z.unknown()) });
const message = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('system'), content: z.string() }),
  z.strictObject({ role: z.literal('user'), content: z.string() }),
  z.strictObject({ role: z.literal('assistant'), content: z.string(), toolCalls: z.array(toolCall).optional() }),
  z.strictObject({ role: z.literal('tool'), toolCallId: z.string().min(1), content: z.string() }),
]);
const requestSchema = z.strictObject({
  messages: z
    .array(message)
    .min(1, 'must hold at least one message')
    .refine((ms) => ms.some((m) => m.role !== 'system'), 'must hold a user, assistant or tool message besides system ones'),
  system: z.string().optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
  tools: z.array(z.strictObject({ name: z.string().min(1), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()) })).optional(),
  toolChoice: z.union([z.enum(['auto', 'none', 'required']), z.strictObject({ name: z.string().min(1) })]).optional(),
});

/**
 * A prompt string becomes one user message; a request is validated (ConfigError naming the path,
 * `request.messages[2].role`) before any provider sees it, so a malformed request never costs a call.
 */
export function normalizeRequest(input: string | ChatRequest): ChatRequest {
  if (typeof input === 'string') {
    if (input.length === 0) throw new ConfigError('request', 'the prompt must not be empty', input);
    return { messages: [{ role: 'user', content: input }] };
  }
  const parsed = requestSchema.safeParse(input);
  if (parsed.success) return parsed.data as ChatRequest;
  // no reportInput: a prompt's text never reaches the error
  throw zodIssueToConfigError(parsed.error.issues[0]!, requestSchema, { root: 'request', prefixRoot: true });
}

/** Characters of a request's text (for cost estimates). */
export function promptChars(request: ChatRequest): number {
  let n = request.system?.length ?? 0;
  for (const m of request.messages) n += m.content.length;
  return n;
}
