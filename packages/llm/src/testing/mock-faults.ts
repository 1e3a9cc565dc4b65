/**
 * Faults the mock provider server can inject, one per request. Stream-only faults
 * (`stream_disconnect`, `stream_truncate`, `stream_hang`, `stream_error`) behave as `reset` on a non-streaming request.
 */
export type MockFault =
  /** HTTP 429 with `retry-after` (seconds) and, when given, `retry-after-ms`. */
  | { type: 'rate_limit'; retryAfterSeconds?: number; retryAfterMs?: number }
  /** HTTP 500 (`server_error` / `api_error`). */
  | { type: 'server_error' }
  /** HTTP 503. */
  | { type: 'unavailable' }
  /** HTTP 529 with body type `overloaded_error` (Anthropic's overload; the OpenAI path sends it too). */
  | { type: 'overloaded' }
  /** HTTP 401 (invalid API key). */
  | { type: 'auth' }
  /** HTTP 403. */
  | { type: 'permission' }
  /** HTTP 400 invalid request. */
  | { type: 'bad_request' }
  /** OpenAI 400 code `context_length_exceeded`; Anthropic 400 `invalid_request_error` "prompt is too long". */
  | { type: 'context_length' }
  /** HTTP 200 whose answer was withheld: OpenAI finish_reason `content_filter`, Anthropic stop_reason `refusal`. */
  | { type: 'content_filter' }
  /** The socket is destroyed as soon as the request arrives (no response at all). */
  | { type: 'reset' }
  /** No response until the client gives up (or the server closes). */
  | { type: 'hang' }
  /** HTTP 200 with a body that is not JSON. */
  | { type: 'malformed' }
  /** Streaming: `afterChunks` content chunks (default 2), then the socket is destroyed. */
  | { type: 'stream_disconnect'; afterChunks?: number }
  /** Streaming: `afterChunks` content chunks (default 2), then a clean end without the terminal event. */
  | { type: 'stream_truncate'; afterChunks?: number }
  /** Streaming: `afterChunks` content chunks (default 2), then silence with the connection open. */
  | { type: 'stream_hang'; afterChunks?: number }
  /** Streaming: `afterChunks` chunks (default 2), then an in-band error event (`overloaded_error` by default). */
  | { type: 'stream_error'; afterChunks?: number; errorType?: 'overloaded_error' | 'api_error' };

export type MockFaultType = MockFault['type'];

const FAULT_TYPES: ReadonlySet<string> = new Set<MockFaultType>([
  'rate_limit', 'server_error', 'unavailable', 'overloaded', 'auth', 'permission', 'bad_request', 'context_length',
  'content_filter', 'reset', 'hang', 'malformed', 'stream_disconnect', 'stream_truncate', 'stream_hang', 'stream_error',
]);

/**
 * Check faults given to the mock: each must be an object with a known `type` (a bare name such as
 * `'rate_limit'` would inject nothing), or `'ok'` where `allowOk`. Throws a TypeError naming the
 * argument (`path[i]`) and what was given.
 */
export function checkFaults(path: string, faults: readonly unknown[], allowOk: boolean): void {
  faults.forEach((f, i) => {
    if (allowOk && f === 'ok') return;
    const type = typeof f === 'object' && f !== null ? (f as { type?: unknown }).type : undefined;
    if (typeof type === 'string' && FAULT_TYPES.has(type)) return;
    const hint = typeof f === 'string' && FAULT_TYPES.has(f) ? ` (write { type: '${f}' })` : '';
    throw new TypeError(`${path}[${i}]: not a fault: ${JSON.stringify(f)}${hint}; a fault is { type } with type one of ${[...FAULT_TYPES].join(', ')}${allowOk ? ", or 'ok'" : ''}`);
  });
}

/** A deterministic PRNG (mulberry32) so fault rates replay identically for a seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
