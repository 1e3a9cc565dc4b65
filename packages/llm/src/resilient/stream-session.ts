import type { Clock } from '@rampart/core';
import type { StreamEvent } from '../adapters/adapter.js';
import { AttemptScope } from '../adapters/attempt-scope.js';
import { StreamInterruptedError } from '../errors/stream-interrupted-error.js';
import type { ChatChunk, ChatRequest, StreamContinuedFrom } from '../types.js';
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
  /** True when a tool call began before the first token. */
  readonly toolCallStarted: boolean;
}

/** The text an interrupted stream showed, which a continuation's chunks come after. */
export interface EarlierText {
  readonly from: StreamContinuedFrom;
  readonly text: string;
}

/**
 * Open a stream with the provider the chain chose and read until its first token. Everything that
 * fails up to here (HTTP errors, a cut before the first token, a stream that ends without its
 * terminal event) is thrown into the chain, which may switch providers: the caller has seen nothing.
 */
export async function openSession(pool: ProviderPool, request: ChatRequest, clock: Clock, signal: AbortSignal | undefined, selection: Selection): Promise<OpenedSession> {
  const { entry, model } = selection;
  const scope = new AttemptScope(entry.config.name, model, entry.config.timeoutMs, clock, signal);
  const startedAt = clock.now();
  const begunAt = pool.begin();
  let iterator: AsyncIterator<StreamEvent> | undefined;
  let toolCallStarted = false;
  try {
    const opened = await entry.adapter.stream(request, scope);
    const headers = opened.headers;
    iterator = opened.events[Symbol.asyncIterator]();
    for (;;) {
      const r = await iterator.next();
      if (r.done) throw new Error('stream adapter ended without its done event');
      if (r.value.type === 'tool-call') toolCallStarted = true;
      if (r.value.type === 'tool-call' || (r.value.type === 'text' && r.value.text === '')) continue;
      scope.restartTimer();
      return { selection, scope, iterator, first: r.value, startedAt, begunAt, headers, toolCallStarted };
    }
  } catch (err) {
    scope.dispose();
    await closeQuietly(iterator);
    throw pool.failed(entry, err);
  }
}

/**
 * Yield a session's chunks. A failure after the first token (cut connection, in-band error event,
 * missing terminal event, idle timeout) is booked as its provider's failure and becomes a
 * {@link StreamInterruptedError} carrying the text streamed so far: never a silent truncation. A
 * continuation's session is given the `earlier` text: its chunks carry `continuedFrom`, and its
 * error all the text (the earlier and its own).
 */
export async function* sessionChunks(pool: ProviderPool, session: OpenedSession, clock: Clock, earlier?: EarlierText): AsyncGenerator<ChatChunk> {
  const { entry, model, degraded } = session.selection;
  const provider = entry.config.name;
  const continuedFrom = earlier?.from;
  const mark = continuedFrom === undefined ? undefined : { continuedFrom };
  let text = earlier?.text ?? '';
  let toolCallStarted = session.toolCallStarted;
  const interrupted = (cause: unknown) => new StreamInterruptedError({ provider, model, textSoFar: text, toolCallStarted, continuedFrom, cause });
  let event: StreamEvent | undefined = session.first;
  // the earlier text ended in whitespace: a continuation's leading whitespace is dropped, since a
  // provider may have trimmed the prefill's (Anthropic must) and the model then starts with a space
  let trimLead = earlier !== undefined && /\s$/.test(earlier.text);
  try {
    while (event) {
      if (event.type === 'text') {
        const piece = trimLead ? event.text.replace(/^\s+/, '') : event.text;
        if (piece !== '') {
          trimLead = false;
          text += piece;
          yield { text: piece, provider, model, done: false, degraded, ...mark };
        }
      } else if (event.type === 'tool-call') {
        toolCallStarted = true;
      } else {
        const latencyMs = clock.now() - session.startedAt;
        const costUsd = pool.succeeded(entry, session.headers, latencyMs, event.usage, session.begunAt);
        yield { text: '', provider, model: event.model, done: true, degraded, id: event.id, usage: event.usage, finishReason: event.finishReason, toolCalls: event.toolCalls, latencyMs, costUsd, ...mark };
        return;
      }
      let next: IteratorResult<StreamEvent>;
      try {
        next = await session.iterator.next();
      } catch (err) {
        throw interrupted(pool.failed(entry, err));
      }
      session.scope.restartTimer();
      event = next.done ? undefined : next.value;
    }
    throw interrupted(new Error('stream adapter ended without its done event'));
  } finally {
    session.scope.dispose();
    await closeQuietly(session.iterator);
  }
}

/** Close a session that will not be read (it lost a hedged race): its timer and its request end. */
export async function closeSession(session: OpenedSession): Promise<void> {
  session.scope.dispose();
  await closeQuietly(session.iterator);
}

/** End an iterator (aborting its request); a failure to end it must not hide the error being handled. */
async function closeQuietly(iterator: AsyncIterator<StreamEvent> | undefined): Promise<void> {
  try {
    await iterator?.return?.();
  } catch {
    // the request is gone either way
  }
}
