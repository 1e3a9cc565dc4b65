/** What the mock needs to know about a request, extracted from either wire format. */
export interface MockConversation {
  provider: string;
  model: string;
  system: string | undefined;
  /** Text of the last user turn ('' when the last turn is a tool result). */
  lastUserText: string;
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
 * The mock's answer: `<provider>/<model>: <last user text>` (with ` [system: …]` when a system prompt
 * was sent), or a call of the first offered tool with `{ query: <last user text> }`, or, after a tool
 * result, `<provider>/<model>: tool said <result>`. Truncated to `maxTokens` words (finish `length`).
 */
export function mockReply(conversation: MockConversation): MockReply {
  const inputTokens = countInputTokens(conversation);
  const head = `${conversation.provider}/${conversation.model}:`;
  const firstTool = conversation.toolNames[0];
  if (conversation.lastToolResult === undefined && firstTool !== undefined) {
    const input = { query: conversation.lastUserText };
    return { text: '', toolCall: { name: firstTool, input }, finishReason: 'tool_calls', inputTokens, outputTokens: 3 };
  }
  const body =
    conversation.lastToolResult !== undefined
      ? `tool said ${conversation.lastToolResult}`
      : `${conversation.lastUserText}${conversation.system ? ` [system: ${conversation.system}]` : ''}`;
  const words = `${head} ${body}`.trim().split(/\s+/);
  const limit = conversation.maxTokens;
  if (limit !== undefined && words.length > limit) {
    return { text: words.slice(0, limit).join(' '), toolCall: undefined, finishReason: 'length', inputTokens, outputTokens: limit };
  }
  return { text: words.join(' '), toolCall: undefined, finishReason: 'stop', inputTokens, outputTokens: words.length };
}

/** The same reply with its answer withheld by a content filter. */
export function filtered(reply: MockReply): MockReply {
  return { ...reply, text: '', toolCall: undefined, finishReason: 'content_filter', outputTokens: 0 };
}

/** Split text into stream pieces (a word with its following whitespace each). */
export function streamPieces(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}
