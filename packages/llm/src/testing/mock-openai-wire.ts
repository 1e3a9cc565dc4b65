import { streamPieces, type MockConversation, type MockReply } from './mock-reply.js';
import {
  dataFrame,
  formatResetDuration,
  headerValue,
  isRecord,
  jsonFragments,
  type ErrorFaultType,
  type ParsedRequest,
  type StreamFrames,
  type WireFormat,
} from './mock-wire.js';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (content === null) return '';
  if (!Array.isArray(content)) return undefined;
  const parts: string[] = [];
  for (const part of content) {
    if (!isRecord(part) || typeof part.type !== 'string') return undefined;
    if (part.type === 'text' && typeof part.text === 'string') parts.push(part.text);
  }
  return parts.join('');
}

function parse(body: unknown, provider: string): ParsedRequest {
  if (!isRecord(body)) return { ok: false, param: '', message: 'Request body must be a JSON object.' };
  if (typeof body.model !== 'string' || body.model === '') return { ok: false, param: 'model', message: 'Missing model.' };
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return { ok: false, param: 'messages', message: "'messages' must be a non-empty array." };
  }
  if (body.temperature !== undefined && !(typeof body.temperature === 'number' && body.temperature >= 0 && body.temperature <= 2)) {
    return { ok: false, param: 'temperature', message: "Invalid 'temperature': must be between 0 and 2." };
  }
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && (maxTokens as number) >= 1)) {
    return { ok: false, param: 'max_tokens', message: "Invalid 'max_tokens'." };
  }
  const system: string[] = [];
  const inputTexts: string[] = [];
  const callIds = new Set<string>();
  for (const [i, m] of body.messages.entries()) {
    if (!isRecord(m) || typeof m.role !== 'string' || !ROLES.has(m.role)) {
      return { ok: false, param: `messages[${i}].role`, message: `Invalid role at messages[${i}].` };
    }
    const text = textOf(m.content);
    if (text === undefined && !(m.role === 'assistant' && m.content === undefined && Array.isArray(m.tool_calls))) {
      return { ok: false, param: `messages[${i}].content`, message: `Invalid content at messages[${i}].` };
    }
    if (m.role === 'system' || m.role === 'developer') system.push(text ?? '');
    if (m.role === 'assistant' && m.tool_calls !== undefined) {
      if (!Array.isArray(m.tool_calls)) return { ok: false, param: `messages[${i}].tool_calls`, message: 'Invalid tool_calls.' };
      for (const c of m.tool_calls) {
        if (!isRecord(c) || c.type !== 'function' || typeof c.id !== 'string' || !isRecord(c.function) ||
          typeof c.function.name !== 'string' || typeof c.function.arguments !== 'string') {
          return { ok: false, param: `messages[${i}].tool_calls`, message: 'Invalid tool call.' };
        }
        callIds.add(c.id);
        inputTexts.push(c.function.arguments);
      }
    }
    if (m.role === 'tool' && (typeof m.tool_call_id !== 'string' || !callIds.has(m.tool_call_id))) {
      return { ok: false, param: `messages[${i}].tool_call_id`, message: "A 'tool' message must answer a preceding tool call." };
    }
    inputTexts.push(text ?? '');
  }
  const toolNames: string[] = [];
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return { ok: false, param: 'tools', message: "'tools' must be an array." };
    for (const [i, t] of body.tools.entries()) {
      if (!isRecord(t) || t.type !== 'function' || !isRecord(t.function) || typeof t.function.name !== 'string') {
        return { ok: false, param: `tools[${i}]`, message: `Invalid tool at tools[${i}].` };
      }
      toolNames.push(t.function.name);
    }
  }
  const choice = body.tool_choice;
  const offered = choice === 'none' ? [] : isRecord(choice) && isRecord(choice.function) ? [String(choice.function.name)] : toolNames;
  const last = body.messages[body.messages.length - 1] as Record<string, unknown>;
  const trailingTools: string[] = [];
  for (let i = body.messages.length - 1; i >= 0 && (body.messages[i] as Record<string, unknown>).role === 'tool'; i--) {
    trailingTools.unshift(textOf((body.messages[i] as Record<string, unknown>).content) ?? '');
  }
  // An assistant message last, after a user turn, is the start of the answer to continue.
  const before = body.messages[body.messages.length - 2] as Record<string, unknown> | undefined;
  const prefilledAfter = last.role === 'assistant' && last.tool_calls === undefined && before?.role === 'user' ? before : undefined;
  const conversation: MockConversation = {
    provider,
    model: body.model,
    system: system.length > 0 ? system.join('\n') : undefined,
    lastUserText: last.role === 'user' ? (textOf(last.content) ?? '') : prefilledAfter === undefined ? '' : (textOf(prefilledAfter.content) ?? ''),
    assistantPrefill: prefilledAfter === undefined ? undefined : (textOf(last.content) ?? ''),
    lastToolResult: trailingTools.length > 0 ? trailingTools.join(' ') : undefined,
    toolNames: offered,
    maxTokens: maxTokens as number | undefined,
    inputTexts,
  };
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
  return { ok: true, conversation, stream: body.stream === true, includeUsage: streamOptions.include_usage === true };
}

const ERRORS: Record<ErrorFaultType, { status: number; type: string; code: string | null; message: string; param?: string }> = {
  rate_limit: { status: 429, type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests.' },
  server_error: { status: 500, type: 'server_error', code: null, message: 'The server had an error while processing your request.' },
  unavailable: { status: 503, type: 'server_error', code: null, message: 'Service unavailable.' },
  overloaded: { status: 529, type: 'overloaded_error', code: null, message: 'Overloaded.' },
  auth: { status: 401, type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  permission: { status: 403, type: 'invalid_request_error', code: 'unsupported_country_region_territory', message: 'Not allowed.' },
  bad_request: { status: 400, type: 'invalid_request_error', code: 'invalid_value', message: 'Invalid request.', param: 'messages' },
  context_length: { status: 400, type: 'invalid_request_error', code: 'context_length_exceeded', message: '', param: 'messages' },
};

function usageOf(reply: MockReply) {
  return { prompt_tokens: reply.inputTokens, completion_tokens: reply.outputTokens, total_tokens: reply.inputTokens + reply.outputTokens };
}

function toolCall(reply: MockReply, id: number) {
  return reply.toolCall && { id: `call_${id}`, type: 'function', function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.input) } };
}

/** The OpenAI chat-completions dialect (`POST /v1/chat/completions`). */
export const openaiWire: WireFormat = {
  kind: 'openai',
  apiKeyOf(headers) {
    const auth = headerValue(headers, 'authorization');
    return auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
  },
  parse,
  error(type, detail) {
    const e = ERRORS[type];
    const message =
      type === 'context_length'
        ? `This model's maximum context length is ${detail.windowTokens ?? 8192} tokens. However, your messages resulted in ${detail.inputTokens ?? 0} tokens.`
        : (detail.message ?? e.message);
    return { status: e.status, body: { error: { message, type: e.type, param: e.param ?? null, code: e.code } } };
  },
  invalid(param, message) {
    return { status: 400, body: { error: { message, type: 'invalid_request_error', param, code: null } } };
  },
  body(reply, conversation, id) {
    const contentFiltered = reply.finishReason === 'content_filter';
    const call = toolCall(reply, id);
    return {
      id: `chatcmpl-${id}`,
      object: 'chat.completion',
      created: 1_700_000_000 + id,
      model: conversation.model,
      system_fingerprint: null,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: contentFiltered ? '' : call && reply.text === '' ? null : reply.text, refusal: null, ...(call && !contentFiltered ? { tool_calls: [call] } : {}) },
          logprobs: null,
          finish_reason: reply.finishReason,
        },
      ],
      usage: usageOf(reply),
    };
  },
  frames(reply, conversation, id, includeUsage): StreamFrames {
    const base = { id: `chatcmpl-${id}`, object: 'chat.completion.chunk', created: 1_700_000_000 + id, model: conversation.model };
    const usage = includeUsage ? { usage: null } : {};
    const chunk = (delta: unknown, finish: string | null = null) => dataFrame({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usage });
    const call = toolCall(reply, id);
    const preamble = [chunk({ role: 'assistant', content: call && reply.text === '' ? null : '' })];
    // text first (what the model says before a call), then the call: its first chunk begins it
    const pieces = streamPieces(reply.text).map((p) => chunk({ content: p }));
    if (call) {
      pieces.push(
        chunk({ tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }),
        ...jsonFragments(call.function.arguments).map((a) => chunk({ tool_calls: [{ index: 0, function: { arguments: a } }] })),
      );
    }
    const tail = [chunk({}, reply.finishReason)];
    if (includeUsage) tail.push(dataFrame({ ...base, choices: [], usage: usageOf(reply) }));
    return { preamble, pieces, tail, terminal: 'data: [DONE]\n\n' };
  },
  errorFrame(errorType) {
    return dataFrame({ error: { message: errorType === 'overloaded_error' ? 'Overloaded.' : 'The server had an error.', type: errorType === 'overloaded_error' ? 'overloaded_error' : 'server_error', param: null, code: null } });
  },
  rateLimitHeaders(quota) {
    const reset = formatResetDuration(quota.resetMs);
    return {
      'x-ratelimit-limit-requests': String(quota.requestsLimit),
      'x-ratelimit-remaining-requests': String(quota.requestsRemaining),
      'x-ratelimit-reset-requests': reset,
      'x-ratelimit-limit-tokens': String(quota.tokensLimit),
      'x-ratelimit-remaining-tokens': String(quota.tokensRemaining),
      'x-ratelimit-reset-tokens': reset,
    };
  },
  requestIdHeader(id) {
    return { 'x-request-id': `req_${id}` };
  },
};
