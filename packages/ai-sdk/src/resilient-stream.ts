import { StreamInterruptedError } from './errors/stream-interrupted-error.js';
import type { ResilientLanguageModel, StreamAttempt } from './resilient-model.js';
import { closeOpened, nextPart, StreamProgress } from './stream-session.js';
import type { CallOptionsLike, PromptMessageLike, StreamPartLike } from './types.js';

/** Parts of a continuation that would repeat what the caller already has (a second stream start, block starts). */
const CONTINUATION_SKIPS: ReadonlySet<string> = new Set(['stream-start', 'response-metadata', 'text-start']);

/** The prompt of a continuation: the call's prompt, then the text so far as the start of the assistant's answer. */
function continuationPrompt(options: CallOptionsLike, textSoFar: string): CallOptionsLike {
  const prefill: PromptMessageLike = { role: 'assistant', content: [{ type: 'text', text: textSoFar }] };
  return { ...options, prompt: [...options.prompt, prefill] };
}

/**
 * The stream the caller reads: the first attempt's parts up to its first output, then the rest. A
 * failure after output ends it with a {@link StreamInterruptedError} carrying what was received, or,
 * with `streamResume: 'continue'` and no tool call started, with the text of a continuation from the
 * next available model (its text block takes the interrupted block's id; nothing is repeated).
 */
export function resilientStream(model: ResilientLanguageModel, first: StreamAttempt, options: CallOptionsLike): ReadableStream<StreamPartLike> {
  const progress = new StreamProgress();
  let current = first;
  let continued = false;
  let pending: StreamPartLike[] = [...first.opened.head];
  /**
   * The text so far ended in whitespace: the continuation's leading whitespace is dropped, since a
   * provider may trim the prefill's trailing whitespace (Anthropic's API refuses it) and the model then
   * starts with the space the caller already has.
   */
  let trimLead = false;

  /** A continuation's part as the caller sees it: the interrupted block's id, no doubled space at the join. */
  const joined = (part: StreamPartLike): StreamPartLike | undefined => {
    if (part.type !== 'text-delta' && part.type !== 'text-end') return part;
    let out = progress.textId !== undefined ? { ...part, id: progress.textId } : part;
    if (trimLead && out.type === 'text-delta' && typeof out.delta === 'string') {
      const delta = out.delta.replace(/^\s+/, '');
      if (delta === '') return undefined;
      trimLead = false;
      out = { ...out, delta };
    }
    return out;
  };

  const deliver = (controller: ReadableStreamDefaultController<StreamPartLike>, part: StreamPartLike) => {
    progress.see(part);
    controller.enqueue(part);
  };

  const fail = async (controller: ReadableStreamDefaultController<StreamPartLike>, err: unknown): Promise<void> => {
    model.streamEnded(current, err);
    closeOpened(current.opened, err);
    if (model.streamResume === 'continue' && !continued && !progress.toolCallStarted && progress.text !== '') {
      continued = true;
      try {
        current = await model.openStream(continuationPrompt(options, progress.text), {}, current.selection.entry.config.name);
        trimLead = /\s$/.test(progress.text);
        pending = current.opened.head.filter((p) => !CONTINUATION_SKIPS.has(p.type)).flatMap((p) => joined(p) ?? []);
        return;
      } catch (again) {
        err = again;
      }
    }
    controller.error(new StreamInterruptedError({ model: current.selection.entry.config.name, textSoFar: progress.text, partsSoFar: progress.parts, toolCallStarted: progress.toolCallStarted, cause: err }));
  };

  return new ReadableStream<StreamPartLike>({
    async pull(controller) {
      for (;;) {
        const queued = pending.shift();
        if (queued !== undefined) {
          deliver(controller, queued);
          if (queued.type === 'finish') return finish(controller);
          return;
        }
        let part: StreamPartLike | undefined;
        try {
          part = await nextPart(current.opened);
        } catch (err) {
          await fail(controller, err);
          if (pending.length > 0) continue;
          return;
        }
        if (part === undefined) {
          await fail(controller, new Error('the model stream ended without its finish part'));
          if (pending.length > 0) continue;
          return;
        }
        if (continued && CONTINUATION_SKIPS.has(part.type)) continue;
        if (continued) {
          const out = joined(part);
          if (out === undefined) continue;
          part = out;
        }
        deliver(controller, part);
        if (part.type === 'finish') return finish(controller);
        return;
      }
    },
    cancel(reason) {
      closeOpened(current.opened, reason);
    },
  });

  function finish(controller: ReadableStreamDefaultController<StreamPartLike>): void {
    model.streamEnded(current);
    closeOpened(current.opened);
    controller.close();
  }
}
