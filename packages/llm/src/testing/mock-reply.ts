/** What the mock needs to know about a request, extracted from either wire format. */
export interface MockConversation {
  provider: string;
  model: string;
  system: string | undefined;
  /** Text of the last user turn ('' when the last turn is a tool result). */
  lastUserText: string;
  /**
   * The start of the answer, when the conversation ends with an assistant message (a prefill: what a
   * continuation sends); `lastUserText` is then the user turn before it.
   */
  assistantPrefill?: string | undefined;
  /** Content of the tool result(s) in the last turn, when the last turn answers a tool call. */
  lastToolResult: string | undefined;
  /** Names of the tools offered (empty when none, or when tool_choice forbids calling them). */
  toolNames: string[];
  maxTokens: number | undefined;
  /** Every piece of input text (messages, system, tool results), for token counting. */
  inputTexts: string[];
}

/** The deterministic answer of the mock. */
export interface MockReply {
  text: string;
  toolCall: { name: string; input: Record<string, unknown> } | undefined;
  finishReason: 'stop' | 'length' | 'tool_calls' | 'content_filter';
  inputTokens: number;
  outputTokens: number;
}

/** The mock counts one token per whitespace-separated word. */
export function countTokens(text: string): number {
  let n = 0;
  for (const part of text.split(/\s+/)) if (part.length > 0) n++;
  return n;
}

export function countInputTokens(conversation: MockConversation): number {
  return conversation.inputTexts.reduce((sum, t) => sum + countTokens(t), 0);
}

/**
 * Where, in the last user text, the mock stops talking and calls a tool: with tools offered,
 * `<text> [call] <query>` is answered with the text `<provider>/<model>: <text>` and then a call of
 * the first offered tool with `{ query: <query> }`, as models often say something before a call.
 */
export const CALL_MARK = '[call]';

/** The tool call a conversation asks for (none after a tool result), and the text said before it, if any. */
function plannedCall(conversation: MockConversation): { toolCall: NonNullable<MockReply['toolCall']>; textBefore: string | undefined } | undefined {
  const name = conversation.toolNames[0];
  if (conversation.lastToolResult !== undefined || name === undefined) return undefined;
  const text = conversation.lastUserText;
  const at = text.indexOf(CALL_MARK);
  if (at < 0) return { toolCall: { name, input: { query: text } }, textBefore: undefined };
  return { toolCall: { name, input: { query: text.slice(at + CALL_MARK.length).trim() } }, textBefore: text.slice(0, at).trim() };
}

/**
 * The mock's answer: `<provider>/<model>: <last user text>` (with ` [system: …]` when a system prompt
 * was sent), or a call of the first offered tool with `{ query: <last user text> }` (after some text
 * when the text has a {@link CALL_MARK}), or, after a tool result, `<provider>/<model>: tool said
 * <result>`. Truncated to `maxTokens` words (finish `length`, and no tool call). A tool call counts 3
 * output tokens.
 */
export function mockReply(conversation: MockConversation): MockReply {
  const inputTokens = countInputTokens(conversation);
  const call = plannedCall(conversation);
  if (conversation.assistantPrefill !== undefined) return continuation(conversation, call, inputTokens);
  const head = `${conversation.provider}/${conversation.model}:`;
  if (call !== undefined && call.textBefore === undefined) {
    return { text: '', toolCall: call.toolCall, finishReason: 'tool_calls', inputTokens, outputTokens: 3 };
  }
  const body =
    conversation.lastToolResult !== undefined
      ? `tool said ${conversation.lastToolResult}`
      : (call?.textBefore ?? `${conversation.lastUserText}${conversation.system ? ` [system: ${conversation.system}]` : ''}`);
  const words = `${head} ${body}`.trim().split(/\s+/);
  const limit = conversation.maxTokens;
  if (limit !== undefined && words.length > limit) {
    return { text: words.slice(0, limit).join(' '), toolCall: undefined, finishReason: 'length', inputTokens, outputTokens: limit };
  }
  if (call !== undefined) return { text: words.join(' '), toolCall: call.toolCall, finishReason: 'tool_calls', inputTokens, outputTokens: words.length + 3 };
  return { text: words.join(' '), toolCall: undefined, finishReason: 'stop', inputTokens, outputTokens: words.length };
}

/**
 * A continuation of a prefilled answer, as a model continues the text it is given: the rest of the
 * last user text (of its text before a {@link CALL_MARK}, then the call) after the longest run of the
 * prefill's last words that begins it (all of it when none does), with no head of its own, so
 * `prefill + reply` reads as one answer.
 */
function continuation(conversation: MockConversation, call: ReturnType<typeof plannedCall>, inputTokens: number): MockReply {
  const prefill = conversation.assistantPrefill ?? '';
  const said = prefill.trim().split(/\s+/).filter((w) => w !== '');
  // a bare call (no text before it) is not continued: the continuation is text, as before
  const textBefore = call?.textBefore;
  const wanted = (textBefore ?? conversation.lastUserText).trim().split(/\s+/).filter((w) => w !== '');
  let overlap = Math.min(said.length, wanted.length);
  while (overlap > 0 && said.slice(said.length - overlap).join(' ') !== wanted.slice(0, overlap).join(' ')) overlap--;
  const rest = wanted.slice(overlap);
  const text = rest.length === 0 ? '' : `${/\s$/.test(prefill) || prefill === '' ? '' : ' '}${rest.join(' ')}`;
  if (call !== undefined && textBefore !== undefined) return { text, toolCall: call.toolCall, finishReason: 'tool_calls', inputTokens, outputTokens: rest.length + 3 };
  return { text, toolCall: undefined, finishReason: 'stop', inputTokens, outputTokens: rest.length };
}

/** The same reply with its answer withheld by a content filter. */
export function filtered(reply: MockReply): MockReply {
  return { ...reply, text: '', toolCall: undefined, finishReason: 'content_filter', outputTokens: 0 };
}

/**
 * Split text into stream pieces: a word with its following whitespace each, the first also with any
 * leading whitespace (a continuation's ` beta gamma` streams as ` beta `, `gamma`); joined, the pieces
 * are the text.
 */
export function streamPieces(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text === '' ? [] : [text]);
}
