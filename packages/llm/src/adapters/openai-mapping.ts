import type OpenAI from 'openai';
import { LlmContentFilteredError } from '../errors/llm-content-filtered-error.js';
import { LlmServerError } from '../errors/llm-server-error.js';
import { parseToolArguments } from './tool-arguments.js';
import type { ChatRequest, FinishReason, ToolCall, ToolChoice } from '../types.js';

type Params = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
type MessageParam = OpenAI.Chat.ChatCompletionMessageParam;

/** Map a provider-neutral request to chat-completions parameters (`kind` picks the max-tokens field). */
export function toOpenAIParams(request: ChatRequest, model: string, maxTokens: number, kind: 'openai' | 'openai-compatible'): Params {
  const messages: MessageParam[] = [];
  if (request.system !== undefined) messages.push({ role: 'system', content: request.system });
  for (const m of request.messages) {
    switch (m.role) {
      case 'system':
      case 'user':
        messages.push({ role: m.role, content: m.content });
        break;
      case 'assistant':
        messages.push(
          m.toolCalls && m.toolCalls.length > 0
            ? {
                role: 'assistant',
                content: m.content === '' ? null : m.content,
                tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: JSON.stringify(c.arguments) } })),
              }
            : { role: 'assistant', content: m.content },
        );
        break;
      case 'tool':
        messages.push({ role: 'tool', tool_call_id: m.toolCallId, content: m.content });
        break;
    }
  }
  const params: Params = { model, messages };
  // OpenAI deprecated max_tokens for max_completion_tokens; OpenAI-compatible servers still read max_tokens.
  if (kind === 'openai') params.max_completion_tokens = maxTokens;
  else params.max_tokens = maxTokens;
  if (request.temperature !== undefined) params.temperature = request.temperature;
  if (request.tools && request.tools.length > 0) {
    params.tools = request.tools.map((t) => ({
      type: 'function' as const,
      function: { name: t.name, parameters: t.parameters, ...(t.description === undefined ? {} : { description: t.description }) },
    }));
    if (request.toolChoice !== undefined) params.tool_choice = toOpenAIToolChoice(request.toolChoice);
  }
  return params;
}

function toOpenAIToolChoice(choice: ToolChoice): OpenAI.Chat.ChatCompletionToolChoiceOption {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

/** Map an OpenAI finish_reason; `content_filter` becomes an {@link LlmContentFilteredError}. */
export function fromOpenAIFinish(provider: string, reason: string | null | undefined, partialText: string): FinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      throw new LlmContentFilteredError(`${provider}: the answer was withheld by the content filter`, { provider, apiCode: 'content_filter', partialText });
    default:
      return 'stop';
  }
}

/** Map a completed chat completion to text, tool calls and finish reason. */
export function fromOpenAICompletion(provider: string, completion: OpenAI.Chat.ChatCompletion): { text: string; toolCalls: ToolCall[]; finishReason: FinishReason } {
  const choice = completion.choices[0];
  if (!choice) throw new LlmServerError(`${provider}: the answer has no choices`, { provider });
  const text = choice.message.content ?? '';
  const toolCalls: ToolCall[] = [];
  for (const c of choice.message.tool_calls ?? []) {
    if (c.type === 'function') toolCalls.push({ id: c.id, name: c.function.name, arguments: parseToolArguments(provider, c.function.arguments) });
  }
  return { text, toolCalls, finishReason: fromOpenAIFinish(provider, choice.finish_reason, text) };
}
