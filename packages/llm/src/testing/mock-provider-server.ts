import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody, sendJson } from './mock-http.js';
import type { Socket } from 'node:net';
import { anthropicWire } from './mock-anthropic-wire.js';
import type { MockFault, MockFaultType } from './mock-faults.js';
import { openaiWire } from './mock-openai-wire.js';
import { MockProviderControl, type MockProviderOptions } from './mock-provider-control.js';
import { countInputTokens, filtered, mockReply } from './mock-reply.js';
import { headerValue, type WireError, type WireFormat } from './mock-wire.js';

/** Options of {@link MockProviderServer.start}. */
export interface MockProviderServerOptions {
  /** Options per provider name (`openai`, `anthropic`, `local`, …). Providers are also created on first use. */
  providers?: Record<string, MockProviderOptions>;
  /** Wall clock for the RFC 3339 reset headers (epoch ms). Default `Date.now`. */
  now?: () => number;
}

/** What the server did with one request. */
export type MockOutcome = MockFaultType | 'ok' | 'invalid' | 'unauthorized' | 'quota_exhausted' | 'context_window' | 'not_found';

/** One request the server received. */
export interface RecordedRequest {
  seq: number;
  /** Provider name: the first path segment (`/local/v1/chat/completions`), else `openai` / `anthropic`. */
  provider: string;
  format: 'openai' | 'anthropic';
  path: string;
  model: string | undefined;
  stream: boolean;
  /** The SDK's `X-Stainless-Retry-Count` header (0 on a first attempt), if sent. */
  retryCount: number | undefined;
  outcome: MockOutcome;
  /** The parsed JSON body (for asserting how a request was mapped). */
  body: unknown;
}

/** Filter of {@link MockProviderServer.count}. */
export type RequestFilter = Partial<Pick<RecordedRequest, 'provider' | 'format' | 'path' | 'model' | 'stream' | 'outcome'>>;

const ROUTES: Array<{ pattern: RegExp; wire: WireFormat; defaultName: string }> = [
  { pattern: /^(?:\/([^/]+))?\/v1\/chat\/completions$/, wire: openaiWire, defaultName: 'openai' },
  { pattern: /^(?:\/([^/]+))?\/v1\/messages$/, wire: anthropicWire, defaultName: 'anthropic' },
];

const STREAM_FAULTS = new Set<MockFaultType>(['stream_disconnect', 'stream_truncate', 'stream_hang', 'stream_error']);
const ERROR_FAULTS = new Set<MockFaultType>(['rate_limit', 'server_error', 'unavailable', 'overloaded', 'auth', 'permission', 'bad_request', 'context_length']);

/**
 * A loopback HTTP server speaking OpenAI `POST /v1/chat/completions` and Anthropic `POST /v1/messages`
 * (JSON and SSE streaming) closely enough for the real `openai` and `@anthropic-ai/sdk` clients, with
 * scripted faults per provider and a record of every request received. Point the SDKs at
 * {@link openaiBaseURL} / {@link anthropicBaseURL}. Replies are deterministic: `<provider>/<model>: <prompt>`.
 */
export class MockProviderServer {
  readonly url: string;
  #server: Server;
  #sockets = new Set<Socket>();
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #providers = new Map<string, MockProviderControl>();
  #requests: RecordedRequest[] = [];
  #seq = 0;
  #now: () => number;
  #closed = false;

  private constructor(server: Server, url: string, options: MockProviderServerOptions) {
    this.#server = server;
    this.url = url;
    this.#now = options.now ?? Date.now;
    for (const [name, o] of Object.entries(options.providers ?? {})) this.#providers.set(name, new MockProviderControl(name, o));
  }

  /** Start on 127.0.0.1 with an ephemeral port. */
  static async start(options: MockProviderServerOptions = {}): Promise<MockProviderServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('mock provider server has no TCP address');
    const mock = new MockProviderServer(server, `http://127.0.0.1:${address.port}`, options);
    server.on('connection', (socket) => {
      mock.#sockets.add(socket);
      socket.once('close', () => mock.#sockets.delete(socket));
    });
    server.on('request', (req, res) => void mock.#handle(req, res));
    return mock;
  }

  /** Base URL for the OpenAI client (`new OpenAI({ baseURL })`) of provider `name`. */
  openaiBaseURL(name = 'openai'): string {
    return `${this.url}/${name}/v1`;
  }

  /** Base URL for the Anthropic client (no `/v1`: the SDK appends `/v1/messages`). */
  anthropicBaseURL(name = 'anthropic'): string {
    return `${this.url}/${name}`;
  }

  /** The fault/quota controls of provider `name` (created on first use). */
  provider(name: string): MockProviderControl {
    let p = this.#providers.get(name);
    if (!p) {
      p = new MockProviderControl(name);
      this.#providers.set(name, p);
    }
    return p;
  }

  get requests(): readonly RecordedRequest[] {
    return this.#requests;
  }

  /** Number of requests received that match every field of `filter`. */
  count(filter: RequestFilter = {}): number {
    const entries = Object.entries(filter) as Array<[keyof RecordedRequest, unknown]>;
    return this.#requests.filter((r) => entries.every(([k, v]) => r[k] === v)).length;
  }

  /** The highest `X-Stainless-Retry-Count` seen (0 proves the SDKs never retried by themselves). */
  get maxRetryCount(): number {
    return this.#requests.reduce((max, r) => Math.max(max, r.retryCount ?? 0), 0);
  }

  /** Forget the recorded requests (faults and quotas stay). */
  clearRequests(): void {
    this.#requests = [];
  }

  /** Stop listening and destroy every socket (hanging requests included). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const s of this.#sockets) s.destroy();
    this.#server.closeAllConnections();
    await closed;
  }

  #delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#timers.delete(t);
        resolve();
      }, ms);
      t.unref();
      this.#timers.add(t);
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.url).pathname;
    const route = ROUTES.find((r) => r.pattern.test(path));
    const raw = await readBody(req);
    if (!route || req.method !== 'POST' || raw === undefined) {
      sendJson(res, route ? 405 : 404, { error: { message: `No route for ${req.method} ${path}`, type: 'invalid_request_error' } });
      return;
    }
    const wire = route.wire;
    const name = route.pattern.exec(path)?.[1] ?? route.defaultName;
    const control = this.provider(name);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const retryHeader = headerValue(req.headers, 'x-stainless-retry-count');
    const record: RecordedRequest = {
      seq: ++this.#seq,
      provider: name,
      format: wire.kind,
      path,
      model: typeof (body as { model?: unknown })?.model === 'string' ? (body as { model: string }).model : undefined,
      stream: (body as { stream?: unknown })?.stream === true,
      retryCount: retryHeader === undefined ? undefined : Number(retryHeader),
      outcome: 'ok',
      body,
    };
    this.#requests.push(record);
    const fault = control.nextFault();
    const done = (outcome: MockOutcome) => {
      record.outcome = outcome;
    };
    if (fault?.type === 'reset' || (fault && STREAM_FAULTS.has(fault.type) && !record.stream)) {
      done(fault.type);
      req.socket.resetAndDestroy();
      return;
    }
    if (fault?.type === 'hang') {
      done('hang');
      return;
    }
    const options = control.options;
    if (options.latencyMs) await this.#delay(options.latencyMs);
    if (this.#closed) return;
    const quotaHeaders = () => (control.quota ? wire.rateLimitHeaders(control.quota, this.#now()) : {});
    const sendError = (e: WireError, outcome: MockOutcome) => {
      done(outcome);
      sendJson(res, e.status, e.body, { ...wire.requestIdHeader(record.seq), ...quotaHeaders(), ...e.headers });
    };
    if (options.apiKey !== undefined && wire.apiKeyOf(req.headers) !== options.apiKey) {
      sendError(wire.error('auth', {}), 'unauthorized');
      return;
    }
    const parsed = wire.parse(body, name);
    if (!parsed.ok) {
      sendError(wire.invalid(parsed.param, parsed.message), 'invalid');
      return;
    }
    const inputTokens = countInputTokens(parsed.conversation);
    if (fault && ERROR_FAULTS.has(fault.type)) {
      sendError(this.#faultError(wire, fault, inputTokens, options.contextWindowTokens), fault.type);
      return;
    }
    if (control.quotaExhausted) {
      const retryAfter = String(Math.ceil((control.quota?.resetMs ?? 1000) / 1000));
      sendError({ ...wire.error('rate_limit', {}), headers: { 'retry-after': retryAfter } }, 'quota_exhausted');
      return;
    }
    if (options.contextWindowTokens !== undefined && inputTokens > options.contextWindowTokens) {
      sendError(wire.error('context_length', { inputTokens, windowTokens: options.contextWindowTokens }), 'context_window');
      return;
    }
    if (fault?.type === 'malformed') {
      done('malformed');
      res.writeHead(200, { 'content-type': 'application/json', ...wire.requestIdHeader(record.seq) });
      res.end(record.stream ? 'data: {"id": "chunk-broken\n\n' : '{"id": "broken", "choices": [');
      return;
    }
    let reply = mockReply(parsed.conversation);
    if (fault?.type === 'content_filter') reply = filtered(reply);
    control.consumeQuota(reply.inputTokens + reply.outputTokens);
    done(fault?.type ?? 'ok');
    const headers = { ...wire.requestIdHeader(record.seq), ...quotaHeaders() };
    if (!parsed.stream) {
      sendJson(res, 200, wire.body(reply, parsed.conversation, record.seq), headers);
      return;
    }
    await this.#stream(res, wire, wire.frames(reply, parsed.conversation, record.seq, parsed.includeUsage), headers, fault);
  }

  #faultError(wire: WireFormat, fault: MockFault, inputTokens: number, windowTokens: number | undefined): WireError {
    const e = wire.error(fault.type as Parameters<WireFormat['error']>[0], { inputTokens, windowTokens: windowTokens ?? Math.max(1, inputTokens - 1) });
    if (fault.type !== 'rate_limit') return e;
    const headers: Record<string, string> = { 'retry-after': String(fault.retryAfterSeconds ?? 1) };
    if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
    return { ...e, headers };
  }

  async #stream(
    res: ServerResponse,
    wire: WireFormat,
    frames: ReturnType<WireFormat['frames']>,
    headers: Record<string, string>,
    fault: MockFault | undefined,
  ): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
    const write = (chunk: string) => new Promise<void>((resolve) => res.write(chunk, () => resolve()));
    for (const f of frames.preamble) await write(f);
    const cutAt = fault && STREAM_FAULTS.has(fault.type) ? Math.min((fault as { afterChunks?: number }).afterChunks ?? 2, frames.pieces.length) : undefined;
    for (const [i, piece] of frames.pieces.entries()) {
      if (i === cutAt) break;
      await write(piece);
    }
    if (cutAt !== undefined && fault) {
      if (fault.type === 'stream_disconnect') res.socket?.destroy();
      else if (fault.type === 'stream_truncate') res.end();
      // stream_hang: nothing more is written; close() destroys the socket
      else if (fault.type === 'stream_error') res.end(wire.errorFrame(fault.errorType ?? 'overloaded_error'));
      return;
    }
    for (const f of frames.tail) await write(f);
    res.end(frames.terminal);
  }
}

/** Start a {@link MockProviderServer} on an ephemeral loopback port. */
export function startMockProviderServer(options?: MockProviderServerOptions): Promise<MockProviderServer> {
  return MockProviderServer.start(options);
}
