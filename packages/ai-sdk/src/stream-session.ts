import type { Deadline } from '@rampart/core';
import type { StreamPartLike, StreamResultLike } from './types.js';

/** Parts that are output the caller would see (anything else is bookkeeping: stream-start, metadata, block starts). */
export function isOutput(part: StreamPartLike): boolean {
  switch (part.type) {
    case 'text-delta':
    case 'reasoning-delta':
      return typeof part.delta === 'string' ? part.delta !== '' : true;
    case 'tool-input-start':
    case 'tool-input-delta':
    case 'tool-call':
    case 'tool-result':
    case 'file':
    case 'source':
    case 'finish':
      return true;
    default:
      return false;
  }
}

/** A stream opened within an attempt and read up to its first output part. */
export interface OpenedStream {
  readonly result: StreamResultLike;
  readonly reader: ReadableStreamDefaultReader<StreamPartLike>;
  /** Parts read so far: bookkeeping parts, then the first output part. */
  readonly head: readonly StreamPartLike[];
  /** The attempt's timer: restarted for every chunk (idle timeout), disposed when the stream ends. */
  readonly limit: Deadline;
}

/** `work`, or a rejection with the signal's reason once it aborts (whichever is first); the listener is removed. */
export function untilAborted<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', onAbort!));
}

/** An error a stream carried in band (`{ type: 'error', error }`), thrown as the error it carries. */
function inBandError(part: StreamPartLike): unknown {
  return part.error ?? new Error('the model stream sent an error part without an error');
}

/**
 * Open a model's stream and read until its first output part. Whatever fails up to here (the HTTP
 * error, an in-band error part, a cut or a silence before any output, an end without output) is
 * thrown, so the fallback chain may switch: the caller has seen nothing.
 */
export async function openUntilOutput(open: (signal: AbortSignal) => PromiseLike<StreamResultLike>, limit: Deadline): Promise<OpenedStream> {
  let reader: ReadableStreamDefaultReader<StreamPartLike> | undefined;
  try {
    const result = await untilAborted(limit.signal, Promise.resolve(open(limit.signal)));
    reader = result.stream.getReader();
    const head: StreamPartLike[] = [];
    for (;;) {
      const r = await untilAborted(limit.signal, reader.read());
      if (r.done) throw new Error('the model stream ended before any output');
      if (r.value.type === 'error') throw inBandError(r.value);
      head.push(r.value);
      if (isOutput(r.value)) {
        limit.restart();
        return { result, reader, head, limit };
      }
    }
  } catch (err) {
    limit.dispose();
    void reader?.cancel(err).catch(() => undefined);
    throw limit.expired ? limit.reason : err;
  }
}

/** What the caller received of a stream, tracked as parts pass. */
export class StreamProgress {
  text = '';
  parts = 0;
  toolCallStarted = false;
  finished = false;
  /** Id of the last text block (continuations append to it). */
  textId: unknown = undefined;

  see(part: StreamPartLike): void {
    this.parts++;
    if (part.type === 'text-delta' && typeof part.delta === 'string') {
      this.text += part.delta;
      this.textId = part.id;
    } else if (part.type === 'tool-input-start' || part.type === 'tool-call') {
      this.toolCallStarted = true;
    } else if (part.type === 'finish') {
      this.finished = true;
    }
  }
}

/**
 * Read the next part of an opened stream within its idle timeout. Returns undefined at a clean end;
 * throws on a cut, an in-band error part or silence past the timeout.
 */
export async function nextPart(opened: OpenedStream): Promise<StreamPartLike | undefined> {
  try {
    const r = await untilAborted(opened.limit.signal, opened.reader.read());
    if (r.done) return undefined;
    if (r.value.type === 'error') throw inBandError(r.value);
    opened.limit.restart();
    return r.value;
  } catch (err) {
    throw opened.limit.expired ? opened.limit.reason : err;
  }
}

/** End an opened stream (its request is aborted); a failure to end it must not hide the error being handled. */
export function closeOpened(opened: OpenedStream, reason?: unknown): void {
  opened.limit.dispose();
  void opened.reader.cancel(reason).catch(() => undefined);
}
