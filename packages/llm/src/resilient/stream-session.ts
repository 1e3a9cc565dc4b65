import type { Clock, FallbackAttempt } from '@rampart/core';
import type { StreamEvent } from '../adapters/adapter.js';
import { AttemptScope } from '../adapters/attempt-scope.js';
import { StreamInterruptedError } from '../errors/stream-interrupted-error.js';
import type { ChatChunk, ChatRequest } from '../types.js';
import type { ProviderPool, Selection } from './provider-pool.js';

/** A stream opened inside the fallback chain, read up to its first token. */
export interface OpenedSession {
  readonly selection: Selection;
  readonly scope: AttemptScope;
  readonly iterator: AsyncIterator<StreamEvent>;
  /** The first text event, or the final event of an answer without text. */
  readonly first: StreamEvent;
  readonly startedAt: number;
  /** When the request started, by the manager's clock (see ProviderPool.begin). */
  readonly begunAt: number;
  /** Response headers (rate limits). */
  readonly headers: Headers;
}

/**
 * Open a stream with the provider the chain chose and read until its first token. Everything that
 * fails up to here (HTTP errors, a cut before the first token, a stream that ends without its
 * terminal event) is thrown into the chain, which may switch providers: the caller has seen nothing.
 */
export async function openSession(pool: ProviderPool, request: ChatRequest, clock: Clock, signal: AbortSignal | undefined, attempt: FallbackAttempt | undefined): Promise<OpenedSession> {
  const selection = pool.select(attempt);
  const { entry, model } = selection;
  const scope = new AttemptScope(entry.config.name, model, entry.config.timeoutMs, clock, attempt?.signal ?? signal);
  const startedAt = clock.now();
  const begunAt = pool.begin();
  let iterator: AsyncIterator<StreamEvent> | undefined;
  try {
    const opened = await entry.adapter.stream(request, scope);
    const headers = opened.headers;
    iterator = opened.events[Symbol.asyncIterator]();
    for (;;) {
      const r = await iterator.next();
      if (r.done) throw new Error('stream adapter ended without its done event');
      if (r.value.type === 'text' && r.value.text === '') continue;
      scope.restartTimer();
      return { selection, scope, iterator, first: r.value, startedAt, begunAt, headers };
    }
  } catch (err) {
    scope.dispose();
    await closeQuietly(iterator);
    throw pool.failed(entry, err);
  }
}

/**
 * Yield a session's chunks. A failure after the first token (cut connection, in-band error event,
 * missing terminal event, idle timeout) becomes a {@link StreamInterruptedError} carrying the text
 * streamed so far: never a silent truncation, and never a second provider's text spliced on.
 */
export async function* sessionChunks(pool: ProviderPool, session: OpenedSession, clock: Clock): AsyncGenerator<ChatChunk> {
  const { entry, model, degraded } = session.selection;
  const provider = entry.config.name;
  let text = '';
  let event: StreamEvent | undefined = session.first;
  try {
    while (event) {
      if (event.type === 'text') {
        text += event.text;
        yield { text: event.text, provider, model, done: false, degraded };
      } else {
        const latencyMs = clock.now() - session.startedAt;
        const costUsd = pool.succeeded(entry, session.headers, latencyMs, event.usage, session.begunAt);
        yield { text: '', provider, model: event.model, done: true, degraded, id: event.id, usage: event.usage, finishReason: event.finishReason, toolCalls: event.toolCalls, latencyMs, costUsd };
        return;
      }
      let next: IteratorResult<StreamEvent>;
      try {
        next = await session.iterator.next();
      } catch (err) {
        throw new StreamInterruptedError({ provider, model, textSoFar: text, cause: pool.failed(entry, err) });
      }
      session.scope.restartTimer();
      event = next.done ? undefined : next.value;
    }
    throw new StreamInterruptedError({ provider, model, textSoFar: text, cause: new Error('stream adapter ended without its done event') });
  } finally {
    session.scope.dispose();
    await closeQuietly(session.iterator);
  }
}

/** End an iterator (aborting its request); a failure to end it must not hide the error being handled. */
async function closeQuietly(iterator: AsyncIterator<StreamEvent> | undefined): Promise<void> {
  try {
    await iterator?.return?.();
  } catch {
    // the request is gone either way
  }
}
