import type { Clock } from '@rampart/core';

/** What every adapter needs, resolved from a provider's configuration. */
export interface AdapterOptions {
  name: string;
  apiKey: string;
  baseURL: string | undefined;
  /** Per-attempt timeout handed to the SDK, in ms. */
  timeoutMs: number;
  /** Max output tokens when a request does not say. */
  defaultMaxTokens: number;
  /** Upper bound of a server's retry-after, in ms. */
  maxRetryAfterMs: number;
  /** Extra headers on every request. */
  headers: Record<string, string> | undefined;
  clock: Clock;
  /**
   * A client the user configured (an `openai` client, or an `@anthropic-ai/sdk` one): used through
   * `client.withOptions({ maxRetries: 0, timeout })`, its own key, base URL, headers and fetch kept.
   */
  client?: object | undefined;
}

/** The options both SDKs' constructors take for a client Rampart makes: SDK retries and logging off. */
export function sdkClientOptions(o: AdapterOptions) {
  return {
    apiKey: o.apiKey,
    ...(o.baseURL === undefined ? {} : { baseURL: o.baseURL }),
    maxRetries: 0,
    timeout: o.timeoutMs,
    logLevel: 'off' as const,
    ...(o.headers ? { defaultHeaders: o.headers } : {}),
  };
}
