import type Anthropic from '@anthropic-ai/sdk';
import type { Stream } from '@anthropic-ai/sdk/core/streaming';
import { LlmConnectionError } from '../errors/llm-connection-error.js';
import { mapProviderError, type SdkErrorClasses } from '../errors/map-provider-error.js';
import { providerSecrets } from '../errors/redact.js';
import type { ChatRequest, ToolCall } from '../types.js';
import { usageOf, type AdapterResult, type Attempt, type OpenedStream, type ProviderAdapter, type StreamEvent } from './adapter.js';
import { sdkClientOptions, type AdapterOptions } from './adapter-options.js';
import { anthropicInputTokens, fromAnthropicMessage, fromAnthropicStop, toAnthropicParams } from './anthropic-mapping.js';
import { errorClassesOf, importAnthropic } from './sdk-loader.js';
import { parseToolArguments } from './tool-arguments.js';

/** A client ready for requests, with the error classes of the SDK that made it. */
interface Ready {
  readonly client: Anthropic;
  readonly sdk: SdkErrorClasses;
}

/**
 * The real `@anthropic-ai/sdk` client. SDK retries are off: one request per attempt. A client the
 * user passes is used as is; otherwise the package is imported (in the background) when the adapter
 * is made: an optional peer dependency, which nothing loads for users of other kinds.
 */
export class AnthropicAdapter implements ProviderAdapter {
  readonly name: string;
  readonly kind = 'anthropic' as const;
  /** The user's client, else one made from `@anthropic-ai/sdk`: a promise until the import (begun at construction) ends. */
  #ready: Ready | Promise<Ready>;
  readonly #options: AdapterOptions;
  /** The API key and header values: never in an error. */
  readonly #secrets: readonly string[];

  constructor(options: AdapterOptions) {
    this.name = options.name;
    this.#options = options;
    this.#secrets = providerSecrets(options.apiKey, options.headers, options.baseURL);
    const own = options.client as Anthropic | undefined;
    if (own) {
      this.#ready = {
        client: own.withOptions({ maxRetries: 0, timeout: options.timeoutMs, logLevel: 'off' }),
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
    const { Anthropic: Sdk } = await importAnthropic(`providers[name=${this.name}].kind`);
    const client = new Sdk(sdkClientOptions(this.#options));
    const ready = { client, sdk: Sdk };
    this.#ready = ready;
    return ready;
  }

  async complete(request: ChatRequest, attempt: Attempt): Promise<AdapterResult> {
    const params = toAnthropicParams(request, attempt.model, request.maxTokens ?? this.#options.defaultMaxTokens);
    const { client, sdk } = this.#ready instanceof Promise ? await this.#ready : this.#ready;
    try {
      const { data, response } = await client.messages.create(params, { signal: attempt.signal, timeout: attempt.timeoutMs }).withResponse();
      const answer = fromAnthropicMessage(this.name, data);
      const usage = usageOf(anthropicInputTokens(data.usage), data.usage.output_tokens ?? 0);
      return { ...answer, id: data.id, usage, model: data.model || attempt.model, headers: response.headers };
    } catch (err) {
      throw this.#map(err, attempt, sdk);
    }
  }

  async stream(request: ChatRequest, attempt: Attempt): Promise<OpenedStream> {
    const params = toAnthropicParams(request, attempt.model, request.maxTokens ?? this.#options.defaultMaxTokens);
    const { client, sdk } = this.#ready instanceof Promise ? await this.#ready : this.#ready;
    try {
      const { data, response } = await client.messages
        .create({ ...params, stream: true }, { signal: attempt.signal, timeout: attempt.timeoutMs })
        .withResponse();
      return { headers: response.headers, events: this.#events(data, attempt, sdk) };
    } catch (err) {
      throw this.#map(err, attempt, sdk);
    }
  }

  async *#events(stream: Stream<Anthropic.RawMessageStreamEvent>, attempt: Attempt, sdk: SdkErrorClasses): AsyncGenerator<StreamEvent> {
    const tools = new Map<number, { id: string; name: string; json: string }>();
    let model = attempt.model;
    let id = '';
    let inputTokens = 0;
    let outputTokens = 0;
    let stop: string | null = null;
    let stopped = false;
    let text = '';
    try {
      for await (const event of stream) {
        switch (event.type) {
          case 'message_start':
            model = event.message.model || model;
            id = event.message.id;
            inputTokens = anthropicInputTokens(event.message.usage);
            outputTokens = event.message.usage.output_tokens ?? 0;
            break;
          case 'content_block_start':
            if (event.content_block.type === 'tool_use') {
              tools.set(event.index, { id: event.content_block.id, name: event.content_block.name, json: '' });
              yield { type: 'tool-call' };
            }
            break;
          case 'content_block_delta':
            if (event.delta.type === 'text_delta') {
              text += event.delta.text;
              yield { type: 'text', text: event.delta.text };
            } else if (event.delta.type === 'input_json_delta') {
              const tool = tools.get(event.index);
              if (tool) tool.json += event.delta.partial_json;
            }
            break;
          case 'message_delta':
            stop = event.delta.stop_reason ?? stop;
            outputTokens = event.usage.output_tokens ?? outputTokens;
            break;
          case 'message_stop':
            stopped = true;
            break;
          default:
            break;
        }
      }
    } catch (err) {
      throw this.#map(err, attempt, sdk);
    }
    if (attempt.signal.aborted) throw this.#map(new DOMException('Request was aborted.', 'AbortError'), attempt, sdk);
    if (!stopped) throw new LlmConnectionError(`${this.name}: stream ended without message_stop`, { provider: this.name });
    const toolCalls: ToolCall[] = [...tools.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, t]) => ({ id: t.id, name: t.name, arguments: parseToolArguments(this.name, t.json) }));
    const finishReason = fromAnthropicStop(this.name, stop, text);
    yield { type: 'done', id, usage: usageOf(inputTokens, outputTokens), finishReason, toolCalls, model };
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
