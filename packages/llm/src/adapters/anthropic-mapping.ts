import type Anthropic from '@anthropic-ai/sdk';
import { LlmContentFilteredError } from '../errors/llm-content-filtered-error.js';
import type { ChatRequest, FinishReason, ToolCall, ToolChoice } from '../types.js';

type Params = Anthropic.MessageCreateParamsNonStreaming;
type Block = Anthropic.ContentBlockParam;
type Turn = { role: 'user' | 'assistant'; content: Block[] };

/**
 * Map a provider-neutral request to Messages API parameters: system messages join the `system`
 * parameter, tool results become `tool_result` blocks of a user turn, and consecutive turns of one
 * role merge. `temperature` is not sent: API version 2026-10-21 (the one @anthropic-ai/sdk 1.x speaks)
 * rejects every sampling parameter with a 400, and the SDK no longer types them.
 */
export function toAnthropicParams(request: ChatRequest, model: string, maxTokens: number): Params {
  const system: string[] = request.system === undefined ? [] : [request.system];
  const turns: Turn[] = [];
  const push = (role: Turn['role'], blocks: Block[]) => {
    const last = turns[turns.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  for (const m of request.messages) {
    switch (m.role) {
      case 'system':
        system.push(m.content);
        break;
      case 'user':
        push('user', [{ type: 'text', text: m.content }]);
        break;
      case 'assistant': {
        const blocks: Block[] = m.content === '' ? [] : [{ type: 'text', text: m.content }];
        for (const c of m.toolCalls ?? []) blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: c.arguments });
        if (blocks.length > 0) push('assistant', blocks);
        break;
      }
      case 'tool':
        push('user', [{ type: 'tool_result', tool_use_id: m.toolCallId, content: m.content }]);
        break;
    }
  }
  // an assistant turn last is a prefill, which the API refuses when its text ends in whitespace (400
  // "final assistant content cannot end with trailing whitespace"): trim its last text block's end
  const lastTurn = turns.at(-1);
  const lastBlock = lastTurn?.role === 'assistant' ? lastTurn.content.at(-1) : undefined;
  if (lastTurn && lastBlock?.type === 'text') {
    const text = lastBlock.text.trimEnd();
    if (text === '') lastTurn.content.pop();
    else lastTurn.content[lastTurn.content.length - 1] = { ...lastBlock, text };
    if (lastTurn.content.length === 0) turns.pop();
  }
  const messages: Anthropic.MessageParam[] = turns.map((t) => {
    const only = t.content[0];
    // a single text block is sent as a plain string, as most callers write it
    return t.content.length === 1 && only?.type === 'text' ? { role: t.role, content: only.text } : { role: t.role, content: t.content };
  });
  const params: Params = { model, max_tokens: maxTokens, messages };
  if (system.length > 0) params.system = system.join('\n\n');
  if (request.tools && request.tools.length > 0) {
    params.tools = request.tools.map((t) => ({
      name: t.name,
      input_schema: { type: 'object', ...t.parameters } as Anthropic.Tool.InputSchema,
      ...(t.description === undefined ? {} : { description: t.description }),
    }));
    if (request.toolChoice !== undefined) params.tool_choice = toAnthropicToolChoice(request.toolChoice);
  }
  return params;
}

function toAnthropicToolChoice(choice: ToolChoice): Anthropic.ToolChoice {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any' };
  return { type: 'tool', name: choice.name };
}

/** Map a stop_reason; `refusal` becomes an {@link LlmContentFilteredError}. */
export function fromAnthropicStop(provider: string, reason: string | null | undefined, partialText: string): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      throw new LlmContentFilteredError(`${provider}: the model refused to answer`, { provider, apiCode: 'refusal', partialText });
    default:
      return 'stop';
  }
}

/** Map a complete message to text, tool calls and finish reason. */
export function fromAnthropicMessage(provider: string, message: Anthropic.Message): { text: string; toolCalls: ToolCall[]; finishReason: FinishReason } {
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use') toolCalls.push({ id: block.id, name: block.name, arguments: (block.input ?? {}) as Record<string, unknown> });
  }
  return { text, toolCalls, finishReason: fromAnthropicStop(provider, message.stop_reason, text) };
}

/** Input tokens including prompt-cache reads and writes. */
export function anthropicInputTokens(usage: { input_tokens: number | null; cache_creation_input_tokens?: number | null; cache_read_input_tokens?: number | null }): number {
  return (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
}
