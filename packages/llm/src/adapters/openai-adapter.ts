import type OpenAI from 'openai';
import type { Stream } from 'openai/core/streaming';
import { LlmConnectionError } from '../errors/llm-connection-error.js';
import { mapProviderError, type SdkErrorClasses } from '../errors/map-provider-error.js';
import { providerSecrets } from '../errors/redact.js';
import type { ChatRequest, ToolCall, Usage } from '../types.js';
import { usageOf, type AdapterResult, type Attempt, type OpenedStream, type ProviderAdapter, type StreamEvent } from './adapter.js';
import { sdkClientOptions, type AdapterOptions } from './adapter-options.js';
import { fromOpenAICompletion, fromOpenAIFinish, toOpenAIParams } from './openai-mapping.js';
import { errorClassesOf, importOpenAI } from './sdk-loader.js';
import { parseToolArguments } from './tool-arguments.js';
import { SseTerminalTracker } from './sse-terminal-tracker.js';

/** A client ready for requests, with the error classes of the SDK that made it. */
interface Ready {
  readonly client: OpenAI;
  readonly sdk: SdkErrorClasses;
}

/**
 * The real `openai` client (6 or 7) for kind `openai` and `openai-compatible` (any server speaking
 * `/v1/chat/completions`: Ollama, vLLM, llama.cpp). SDK retries are off: one request per attempt.
 * A client the user passes is used as is; otherwise the `openai` package is imported (in the
 * background) when the adapter is made: an optional peer dependency, which nothing loads for users
 * of other kinds.
 */
export class OpenAIAdapter implements ProviderAdapter {
  readonly name: string;
  readonly kind: 'openai' | 'openai-compatible';
  /** The user's client, else one made from the `openai` package: a promise until the import (begun at construction) ends. */
  #ready: Ready | Promise<Ready>;
  readonly #tracker: SseTerminalTracker;
  readonly #options: AdapterOptions;
  /** The API key and header values: never in an error. */
  readonly #secrets: readonly string[];

  constructor(options: AdapterOptions & { kind: 'openai' | 'openai-compatible' }) {
    this.name = options.name;
    this.kind = options.kind;
    this.#options = options;
    this.#secrets = providerSecrets(options.apiKey, options.headers, options.baseURL);
    const own = options.client as OpenAI | undefined;
    // a client the user configured keeps its fetch (a proxy, a custom transport): the tracker wraps it
    const ownFetch = (own as { fetch?: typeof fetch } | undefined)?.fetch;
    this.#tracker = new SseTerminalTracker(ownFetch ?? globalThis.fetch);
    if (own) {
      this.#ready = {
        client: own.withOptions({ maxRetries: 0, timeout: options.timeoutMs, fetch: this.#tracker.fetch, logLevel: 'off' }),
        sdk: errorClassesOf(own, `providers[name=${options.name}].client`),
      };
    } else {
      // imported now, not at the first call, so that call does not pay for loading the SDK; a missing
      // one rejects every call with the ConfigError (resolveLlmOptions has already said so)
      this.#ready = this.#load();
      this.#ready.catch(() => undefined);
    }
  }

  async #load(): Promise<Ready> {
    const { OpenAI: Sdk } = await importOpenAI(this.kind, `providers[name=${this.name}].kind`);
    const client = new Sdk({ ...sdkClientOptions(this.#options), fetch: this.#tracker.fetch });
    const ready = { client, sdk: Sdk };
    this.#ready = ready;
    return ready;
  }

  async complete(request: ChatRequest, attempt: Attempt): Promise<AdapterResult> {
    const params = toOpenAIParams(request, attempt.model, request.maxTokens ?? this.#options.defaultMaxTokens, this.kind);
    const { client, sdk } = this.#ready instanceof Promise ? await this.#ready : this.#ready;
    try {
      const { data, response } = await client.chat.completions
        .create(params, { signal: attempt.signal, timeout: attempt.timeoutMs })
        .withResponse();
      const answer = fromOpenAICompletion(this.name, data);
      const usage = usageOf(data.usage?.prompt_tokens ?? 0, data.usage?.completion_tokens ?? 0);
      return { ...answer, id: data.id, usage, model: data.model || attempt.model, headers: response.headers };
    } catch (err) {
      throw this.#map(err, attempt, sdk);
    }
  }

  async stream(request: ChatRequest, attempt: Attempt): Promise<OpenedStream> {
    const params = toOpenAIParams(request, attempt.model, request.maxTokens ?? this.#options.defaultMaxTokens, this.kind);
    const { client, sdk } = this.#ready instanceof Promise ? await this.#ready : this.#ready;
    try {
      const { data, response } = await client.chat.completions
        .create({ ...params, stream: true, stream_options: { include_usage: true } }, { signal: attempt.signal, timeout: attempt.timeoutMs })
        .withResponse();
      return { headers: response.headers, events: this.#events(data, response, attempt, sdk) };
    } catch (err) {
      throw this.#map(err, attempt, sdk);
    }
  }

  async *#events(stream: Stream<OpenAI.Chat.ChatCompletionChunk>, response: Response, attempt: Attempt, sdk: SdkErrorClasses): AsyncGenerator<StreamEvent> {
    const calls = new Map<number, { id: string; name: string; json: string }>();
    let finish: string | null = null;
    let usage: Usage | undefined;
    let model = attempt.model;
    let id = '';
    let text = '';
    try {
      for await (const chunk of stream) {
        if (chunk.model) model = chunk.model;
        if (chunk.id) id = chunk.id;
        if (chunk.usage) usage = usageOf(chunk.usage.prompt_tokens, chunk.usage.completion_tokens);
        const choice = chunk.choices[0];
        if (!choice) continue;
        const piece = choice.delta?.content;
        if (piece) {
          text += piece;
          yield { type: 'text', text: piece };
        }
        for (const d of choice.delta?.tool_calls ?? []) {
          const started = calls.get(d.index);
          const call = started ?? { id: '', name: '', json: '' };
          if (d.id) call.id = d.id;
          if (d.function?.name) call.name = d.function.name;
          if (d.function?.arguments) call.json += d.function.arguments;
          calls.set(d.index, call);
          if (started === undefined) yield { type: 'tool-call' };
        }
        if (choice.finish_reason) finish = choice.finish_reason;
      }
    } catch (err) {
      throw this.#map(err, attempt, sdk);
    }
    // the SDK ends its iterator quietly when the request is aborted
    if (attempt.signal.aborted) throw this.#map(new DOMException('Request was aborted.', 'AbortError'), attempt, sdk);
    if (finish === null || !this.#tracker.sawTerminal(response)) {
      throw new LlmConnectionError(`${this.name}: stream ended without its terminal event`, { provider: this.name });
    }
    const toolCalls: ToolCall[] = [...calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, c]) => ({ id: c.id, name: c.name, arguments: parseToolArguments(this.name, c.json) }));
    const finishReason = fromOpenAIFinish(this.name, finish, text);
    yield { type: 'done', id, usage: usage ?? usageOf(0, 0), finishReason, toolCalls, model };
  }

  #map(err: unknown, attempt: Attempt, sdk: SdkErrorClasses): unknown {
    if (attempt.signal.aborted && !attempt.timedOut) return attempt.signal.reason ?? err;
    return mapProviderError(err, {
      provider: this.name,
      sdk,
      maxRetryAfterMs: this.#options.maxRetryAfterMs,
      nowEpochMs: this.#options.clock.wallNow(),
      secrets: this.#secrets,
      timeoutMs: attempt.timeoutMs,
      timedOut: attempt.timedOut,
    });
  }
}
