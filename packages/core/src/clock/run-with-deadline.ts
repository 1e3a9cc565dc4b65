import { TimeoutError } from '../errors/timeout-error.js';
import type { Clock } from './clock.js';

/**
 * Run `task` under the caller's `signal` and this check's own deadline of `timeoutMs`, scheduled
 * on `clock`. The signal handed to `task` aborts on either. Settles as soon as either fires, even
 * when `task` ignores its signal: with a {@link TimeoutError} for the own deadline, with the
 * caller's abort reason otherwise. The timer and listeners are released in every case.
 */
export function runWithDeadline<T>(
  clock: Clock,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  task: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const fail = (reason: unknown) => {
      controller.abort(reason);
      reject(reason);
    };
    const onCallerAbort = () => fail(signal!.reason);
    const timer = clock.setTimeout(() => fail(new TimeoutError(timeoutMs)), timeoutMs);
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    const cleanup = () => {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
    };
    task(controller.signal).then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        cleanup();
        // once aborted, the abort reason was already delivered; later rejections are the echo of it
        if (!controller.signal.aborted) reject(error);
      },
    );
    // a settled deadline or abort also releases the timer and listener
    controller.signal.addEventListener('abort', cleanup, { once: true });
  });
}
