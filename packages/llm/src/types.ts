/** Which client talks to a provider. `openai-compatible`: the OpenAI client with a `baseURL` (Ollama, vLLM, llama.cpp). */
export type ProviderKind = 'openai' | 'anthropic' | 'openai-compatible';

/** A tool the model may call. `parameters` is a JSON Schema object. */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

/** A tool call requested by the model. `arguments` is the parsed JSON object. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** One turn of a conversation, the same for every provider. */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

/** `auto` (default), `none`, `required` (some tool), or one named tool. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

/** A provider-neutral chat request. */
export interface ChatRequest {
  messages: ChatMessage[];
  /** System prompt (OpenAI: a leading system message; Anthropic: the `system` parameter). */
  system?: string;
  /**
   * Sampling temperature, 0–2. Sent to `openai` and `openai-compatible` providers only: Anthropic's
   * API version 2026-10-21 rejects sampling parameters (a 400 that would stop the fallback chain).
   */
  temperature?: number;
  /** Upper bound of output tokens. Default: the `defaultMaxTokens` option. */
  maxTokens?: number;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
}

/** Token usage of one call. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

/** Why the model stopped. */
export type FinishReason = 'stop' | 'length' | 'tool_calls';

/** The answer to a chat request. */
export interface ChatResponse {
  /** The provider's id of the answer (`chatcmpl-…`, `msg_…`). */
  id: string;
  text: string;
  /** Name of the provider that answered (as configured). */
  provider: string;
  model: string;
  usage: Usage;
  /** True when the answer came from the cache rather than a provider. */
  cached: boolean;
  /** True when a degraded (cheaper) model answered. */
  degraded: boolean;
  toolCalls: ToolCall[];
  /** Time the provider took, in ms (for a cached answer: that of the original call). */
  latencyMs: number;
  finishReason: FinishReason;
  /** Estimated cost in USD, when the provider's prices are configured. */
  costUsd: number | undefined;
}

/** The interrupted stream a continuation (`streamResume: 'continue'`) carries on from. */
export interface StreamContinuedFrom {
  /** The provider whose stream was interrupted after output. */
  provider: string;
  model: string;
  /** Characters of the answer it had streamed (the start of the answer the continuation was given). */
  chars: number;
}

/** One piece of a streamed answer; the last one has `done: true` and the totals. */
export interface ChatChunk {
  /** Text added by this chunk ('' in the final chunk). */
  text: string;
  provider: string;
  model: string;
  done: boolean;
  /** True when a degraded (cheaper) model answers. */
  degraded: boolean;
  /** The provider's id of the answer (final chunk). */
  id?: string;
  /** Present on the final chunk. */
  usage?: Usage;
  finishReason?: FinishReason;
  toolCalls?: ToolCall[];
  /** Time from opening the stream to its end, ms (final chunk). */
  latencyMs?: number;
  /** Estimated cost in USD, when the provider's prices are configured (final chunk). */
  costUsd?: number | undefined;
  /**
   * On every chunk of a continuation (`streamResume: 'continue'`): the interrupted stream whose text
   * comes before it. `provider`/`model` then name the continuing provider, and the final chunk's `id`,
   * `usage` (its input includes the text given back), `costUsd` and `latencyMs` are the continuation
   * request's own: the interrupted request reported none.
   */
  continuedFrom?: StreamContinuedFrom;
}

/** Per-call options. */
export interface InvokeOptions {
  signal?: AbortSignal;
  /** Deadline of the whole call (all attempts and waits), in ms. Default: the `deadlineMs` option. */
  deadlineMs?: number;
  /** Answer identical requests from the cache. Default: the `cache` option. */
  cache?: boolean;
}
