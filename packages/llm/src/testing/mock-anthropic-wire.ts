import { streamPieces, type MockConversation, type MockReply } from './mock-reply.js';
import {
  eventFrame,
  headerValue,
  isRecord,
  jsonFragments,
  type ErrorFaultType,
  type ParsedRequest,
  type StreamFrames,
  type WireFormat,
} from './mock-wire.js';

type Invalid = { ok: false; param: string; message: string };
const invalid = (param: string, message: string): Invalid => ({ ok: false, param, message });

function blockText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const out: string[] = [];
  for (const b of content) {
    if (!isRecord(b) || b.type !== 'text' || typeof b.text !== 'string') return undefined;
    out.push(b.text);
  }
  return out.join('');
}

/** Checks one message's content blocks; collects texts, tool_use ids, and the last tool results. */
function readBlocks(
  m: Record<string, unknown>,
  i: number,
  toolUseIds: Set<string>,
  inputTexts: string[],
): Invalid | { text: string; toolResults: string[] } {
  if (typeof m.content === 'string') {
    inputTexts.push(m.content);
    return { text: m.content, toolResults: [] };
  }
  if (!Array.isArray(m.content) || m.content.length === 0) return invalid(`messages.${i}.content`, 'content must be a string or a non-empty array');
  const texts: string[] = [];
  const toolResults: string[] = [];
  for (const [j, b] of m.content.entries()) {
    const at = `messages.${i}.content.${j}`;
    if (!isRecord(b) || typeof b.type !== 'string') return invalid(at, 'invalid content block');
    if (b.type === 'text' && typeof b.text === 'string') texts.push(b.text);
    else if (b.type === 'tool_use' && m.role === 'assistant' && typeof b.id === 'string' && typeof b.name === 'string' && isRecord(b.input)) {
      toolUseIds.add(b.id);
      inputTexts.push(JSON.stringify(b.input));
    } else if (b.type === 'tool_result' && m.role === 'user') {
      if (typeof b.tool_use_id !== 'string' || !toolUseIds.has(b.tool_use_id)) {
        return invalid(`${at}.tool_use_id`, 'tool_result must refer to a tool_use block of the previous assistant turn');
      }
      const content = b.content === undefined ? '' : blockText(b.content);
      if (content === undefined) return invalid(`${at}.content`, 'invalid tool_result content');
      toolResults.push(content);
      inputTexts.push(content);
    } else return invalid(at, `unexpected block type ${b.type} in a ${String(m.role)} turn`);
  }
  inputTexts.push(...texts);
  return { text: texts.join(''), toolResults };
}

function parse(body: unknown, provider: string): ParsedRequest {
  if (!isRecord(body)) return invalid('', 'body must be a JSON object');
  if (typeof body.model !== 'string' || body.model === '') return invalid('model', 'Field required');
  if (!(Number.isInteger(body.max_tokens) && (body.max_tokens as number) >= 1)) return invalid('max_tokens', 'Field required');
  if (!Array.isArray(body.messages) || body.messages.length === 0) return invalid('messages', 'at least one message is required');
  for (const sampling of ['temperature', 'top_p', 'top_k']) {
    // API version 2026-10-21 removed the sampling parameters
    if (body[sampling] !== undefined) return invalid(sampling, 'Extra inputs are not permitted');
  }
  let system: string | undefined;
  if (body.system !== undefined) {
    system = blockText(body.system);
    if (system === undefined) return invalid('system', 'system must be a string or an array of text blocks');
  }
  const inputTexts: string[] = system === undefined ? [] : [system];
  const toolUseIds = new Set<string>();
  let last: { text: string; toolResults: string[] } = { text: '', toolResults: [] };
  let beforeLast = last;
  for (const [i, m] of body.messages.entries()) {
    if (!isRecord(m) || (m.role !== 'user' && m.role !== 'assistant')) return invalid(`messages.${i}.role`, "role must be 'user' or 'assistant'");
    if (i === 0 && m.role !== 'user') return invalid('messages.0.role', 'the first message must use the user role');
    const read = readBlocks(m, i, toolUseIds, inputTexts);
    if ('ok' in read) return read;
    beforeLast = last;
    last = read;
  }
  const toolNames: string[] = [];
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return invalid('tools', 'tools must be an array');
    for (const [i, t] of body.tools.entries()) {
      if (!isRecord(t) || typeof t.name !== 'string' || !isRecord(t.input_schema)) return invalid(`tools.${i}`, 'a tool needs name and input_schema');
      toolNames.push(t.name);
    }
  }
  const choice = isRecord(body.tool_choice) ? body.tool_choice : undefined;
  const offered = choice?.type === 'none' ? [] : choice?.type === 'tool' ? [String(choice.name)] : toolNames;
  const lastMessage = body.messages[body.messages.length - 1] as Record<string, unknown>;
  // An assistant message last (text only) is the start of the answer to continue (Anthropic's prefill).
  const prefilled =
    lastMessage.role === 'assistant' && !(Array.isArray(lastMessage.content) && lastMessage.content.some((b) => isRecord(b) && b.type === 'tool_use'));
  // the API refuses a prefill that ends in whitespace (with this 400), as the real one does
  if (prefilled && /\s$/.test(last.text)) return invalid('messages', 'final assistant content cannot end with trailing whitespace');
  const conversation: MockConversation = {
    provider,
    model: body.model,
    system,
    lastUserText: lastMessage.role === 'user' ? last.text : prefilled ? beforeLast.text : '',
    assistantPrefill: prefilled ? last.text : undefined,
    lastToolResult: lastMessage.role === 'user' && last.toolResults.length > 0 ? last.toolResults.join(' ') : undefined,
    toolNames: offered,
    maxTokens: body.max_tokens as number,
    inputTexts,
  };
  return { ok: true, conversation, stream: body.stream === true, includeUsage: true };
}

const ERRORS: Record<ErrorFaultType, { status: number; type: string; message: string }> = {
  rate_limit: { status: 429, type: 'rate_limit_error', message: 'Number of request tokens has exceeded your rate limit.' },
  server_error: { status: 500, type: 'api_error', message: 'Internal server error' },
  unavailable: { status: 503, type: 'api_error', message: 'Service unavailable' },
  overloaded: { status: 529, type: 'overloaded_error', message: 'Overloaded' },
  auth: { status: 401, type: 'authentication_error', message: 'invalid x-api-key' },
  permission: { status: 403, type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' },
  bad_request: { status: 400, type: 'invalid_request_error', message: 'messages: invalid request' },
  context_length: { status: 400, type: 'invalid_request_error', message: '' },
};

const STOP: Record<MockReply['finishReason'], string> = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use', content_filter: 'refusal' };

function usageOf(reply: MockReply) {
  return { input_tokens: reply.inputTokens, output_tokens: reply.outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}

/** The Anthropic messages dialect (`POST /v1/messages`). */
export const anthropicWire: WireFormat = {
  kind: 'anthropic',
  apiKeyOf(headers) {
    // the API prefers x-api-key; @anthropic-ai/sdk 1.x sends the key as a bearer token
    const auth = headerValue(headers, 'authorization');
    return headerValue(headers, 'x-api-key') ?? (auth?.startsWith('Bearer ') ? auth.slice(7) : undefined);
  },
  parse,
  error(type, detail) {
    const e = ERRORS[type];
    const message =
      type === 'context_length'
        ? `prompt is too long: ${detail.inputTokens ?? 0} tokens > ${detail.windowTokens ?? 200000} maximum`
        : (detail.message ?? e.message);
    return { status: e.status, body: { type: 'error', error: { type: e.type, message }, request_id: 'req_mock' } };
  },
  invalid(param, message) {
    return { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: param ? `${param}: ${message}` : message } } };
  },
  body(reply, conversation, id) {
    const text = reply.toolCall && reply.text === '' ? [] : [{ type: 'text', text: reply.text }];
    const content = reply.finishReason === 'content_filter'
      ? []
      : [...text, ...(reply.toolCall ? [{ type: 'tool_use', id: `toolu_${id}`, name: reply.toolCall.name, input: reply.toolCall.input }] : [])];
    return {
      id: `msg_${id}`,
      type: 'message',
      role: 'assistant',
      model: conversation.model,
      content,
      stop_reason: STOP[reply.finishReason],
      stop_sequence: null,
      usage: usageOf(reply),
    };
  },
  frames(reply, conversation, id): StreamFrames {
    const message = {
      id: `msg_${id}`, type: 'message', role: 'assistant', model: conversation.model, content: [],
      stop_reason: null, stop_sequence: null, usage: { ...usageOf(reply), output_tokens: 1 },
    };
    const call = reply.toolCall;
    // a text block (unless the answer is a bare call), then a tool_use block, each with its own index
    const said = !call || reply.text !== '';
    const callIndex = said ? 1 : 0;
    const blockStart = (index: number, content_block: unknown) => eventFrame('content_block_start', { type: 'content_block_start', index, content_block });
    const toolUse = call ? blockStart(callIndex, { type: 'tool_use', id: `toolu_${id}`, name: call.name, input: {} }) : '';
    const preamble = [
      eventFrame('message_start', { type: 'message_start', message }),
      said ? blockStart(0, { type: 'text', text: '' }) : toolUse,
      eventFrame('ping', { type: 'ping' }),
    ];
    const pieces = streamPieces(reply.text).map((text) =>
      eventFrame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }));
    if (call) {
      // after text, the tool_use block begins in a piece of its own, so a fault can cut right after it
      if (said) pieces.push(eventFrame('content_block_stop', { type: 'content_block_stop', index: 0 }) + toolUse);
      pieces.push(...jsonFragments(JSON.stringify(call.input)).map((partial_json) =>
        eventFrame('content_block_delta', { type: 'content_block_delta', index: callIndex, delta: { type: 'input_json_delta', partial_json } })));
    }
    const tail = [
      eventFrame('content_block_stop', { type: 'content_block_stop', index: call ? callIndex : 0 }),
      eventFrame('message_delta', { type: 'message_delta', delta: { stop_reason: STOP[reply.finishReason], stop_sequence: null }, usage: { output_tokens: reply.outputTokens } }),
    ];
    return { preamble, pieces, tail, terminal: eventFrame('message_stop', { type: 'message_stop' }) };
  },
  errorFrame(errorType) {
    return eventFrame('error', { type: 'error', error: { type: errorType, message: errorType === 'overloaded_error' ? 'Overloaded' : 'Internal server error' } });
  },
  rateLimitHeaders(quota, nowEpochMs) {
    const reset = new Date(nowEpochMs + quota.resetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const out: Record<string, string> = {
      'anthropic-ratelimit-requests-limit': String(quota.requestsLimit),
      'anthropic-ratelimit-requests-remaining': String(quota.requestsRemaining),
      'anthropic-ratelimit-requests-reset': reset,
    };
    for (const kind of ['tokens', 'input-tokens', 'output-tokens']) {
      out[`anthropic-ratelimit-${kind}-limit`] = String(quota.tokensLimit);
      out[`anthropic-ratelimit-${kind}-remaining`] = String(quota.tokensRemaining);
      out[`anthropic-ratelimit-${kind}-reset`] = reset;
    }
    return out;
  },
  requestIdHeader(id) {
    return { 'request-id': `req_${id}` };
  },
};
