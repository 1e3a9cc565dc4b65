/**
 * The parts of the AI SDK's language model specification this package reads, written structurally
 * so it depends on no major of `ai` or `@ai-sdk/provider`: `LanguageModelV3` (ai 6) and
 * `LanguageModelV4` (ai 7) both fit. The resilient model has the type of the models it is given.
 */

/** A language model of the AI SDK (`openai('gpt-4o')`, `anthropic('claude-…')`, a compatible local model). */
export interface LanguageModelLike {
  readonly specificationVersion: string;
  readonly provider: string;
  readonly modelId: string;
  readonly supportedUrls: unknown;
  // `any` in parameter position: the SDK's call options type differs per major and must be assignable
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  doGenerate(options: any): PromiseLike<any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  doStream(options: any): PromiseLike<any>;
}

/** The call options fields this package reads or replaces; the rest pass through unchanged. */
export interface CallOptionsLike {
  prompt: readonly PromptMessageLike[];
  abortSignal?: AbortSignal | undefined;
  tools?: readonly unknown[] | undefined;
  [field: string]: unknown;
}

/** One message of a prompt (`{ role, content }`). */
export interface PromptMessageLike {
  role: string;
  content: unknown;
  [field: string]: unknown;
}

/** One part of a model's stream (`{ type: 'text-delta', id, delta }`, `{ type: 'finish', … }`, …). */
export interface StreamPartLike {
  type: string;
  [field: string]: unknown;
}

/** What `doGenerate` resolves to: the fields read here. */
export interface GenerateResultLike {
  finishReason?: unknown;
  response?: { headers?: Record<string, string | undefined> | undefined; [field: string]: unknown } | undefined;
  [field: string]: unknown;
}

/** What `doStream` resolves to: the fields read here. */
export interface StreamResultLike {
  stream: ReadableStream<StreamPartLike>;
  response?: { headers?: Record<string, string | undefined> | undefined; [field: string]: unknown } | undefined;
  [field: string]: unknown;
}

/** The unified finish reason of a result or a `finish` part (a string in ai 5, `{ unified, raw }` since ai 6). */
export function unifiedFinishReason(reason: unknown): string | undefined {
  if (typeof reason === 'string') return reason;
  if (typeof reason === 'object' && reason !== null) {
    const unified = (reason as { unified?: unknown }).unified;
    return typeof unified === 'string' ? unified : undefined;
  }
  return undefined;
}
