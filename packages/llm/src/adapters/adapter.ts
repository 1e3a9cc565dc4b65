import type { ChatRequest, FinishReason, ProviderKind, ToolCall, Usage } from '../types.js';

/** One attempt against one provider: its signal aborts on the caller's cancel or the attempt's timeout. */
export interface Attempt {
  readonly signal: AbortSignal;
  readonly model: string;
  readonly timeoutMs: number;
  /** True once the attempt's own timeout (not the caller) aborted `signal`. */
  readonly timedOut: boolean;
}

/** A complete answer of a provider. */
export interface AdapterResult {
  /** The provider's id of the answer. */
  id: string;
  text: string;
  toolCalls: ToolCall[];
  usage: Usage;
  finishReason: FinishReason;
  /** The model named in the answer (may be more specific than the one requested). */
  model: string;
  headers: Headers;
}

/**
 * Events of a streamed answer: text pieces and the start of each tool call (its arguments come with
 * `done`), then exactly one `done` (else the adapter throws).
 */
export type StreamEvent =
  | { type: 'text'; text: string }
  | { type: 'tool-call' }
  | { type: 'done'; id: string; usage: Usage; finishReason: FinishReason; toolCalls: ToolCall[]; model: string };

/** An opened stream: the response headers (rate limits) and its events. */
export interface OpenedStream {
  headers: Headers;
  events: AsyncIterable<StreamEvent>;
}

/**
 * Talks to one provider through its real SDK (retries off). Every error it throws is already mapped to
 * an {@link LlmError} (or is the caller's abort reason).
 */
export interface ProviderAdapter {
  readonly name: string;
  readonly kind: ProviderKind;
  complete(request: ChatRequest, attempt: Attempt): Promise<AdapterResult>;
  /** Open a stream; errors before the response arrives are thrown here, later ones from `events`. */
  stream(request: ChatRequest, attempt: Attempt): Promise<OpenedStream>;
}

/** Usage from token counts. */
export function usageOf(inputTokens: number, outputTokens: number): Usage {
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
}
