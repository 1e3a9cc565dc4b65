type Fetch = typeof globalThis.fetch;

const DONE_LINE = /(?:^|\n)data: ?\[DONE\]/;

/**
 * A fetch wrapper that watches server-sent-event bodies for OpenAI's `data: [DONE]` line. The
 * openai SDK consumes that line silently, and a stream cut after the last chunk ends its iterator
 * quietly, so this is how a stream that never completed is told from one that did.
 */
export class SseTerminalTracker {
  readonly #seen = new WeakMap<Response, { done: boolean }>();
  readonly #fetch: Fetch;

  constructor(baseFetch: Fetch = globalThis.fetch) {
    this.#fetch = baseFetch;
  }

  /** Pass as the SDK's `fetch` option. */
  readonly fetch: Fetch = async (input, init) => {
    const res = await this.#fetch(input, init);
    if (!res.body || !res.headers.get('content-type')?.includes('text/event-stream')) return res;
    const state = { done: false };
    const decoder = new TextDecoder();
    let tail = '';
    const body = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          if (!state.done) {
            const text = tail + decoder.decode(chunk, { stream: true });
            state.done = DONE_LINE.test(text);
            tail = text.slice(-16);
          }
          controller.enqueue(chunk);
        },
      }),
    );
    const wrapped = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    this.#seen.set(wrapped, state);
    return wrapped;
  };

  /** True when `response` (as returned by `.withResponse()`) carried the terminal `[DONE]` line. */
  sawTerminal(response: Response): boolean {
    return this.#seen.get(response)?.done ?? false;
  }
}
