import type { Clock } from './clock.js';
import { deadline } from './deadline.js';

/**
 * Run `task` under the caller's `signal` and this check's own deadline of `timeoutMs`, on the
 * clock's shared deadline scheduler ({@link deadline}). The signal handed to `task` aborts on
 * either. Settles as soon as either fires, even when `task` ignores its signal: with a
 * {@link TimeoutError} for the own deadline, with the caller's abort reason otherwise. The
 * scheduler entry and listeners are released in every case. `options.background`: the deadline of
 * background work nobody awaits (a monitor's check), which does not keep the process alive by itself.
 */
export function runWithDeadline<T>(
  clock: Clock,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  task: (signal: AbortSignal) => Promise<T>,
  options?: { background?: boolean },
): Promise<T> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  const d = deadline(clock, timeoutMs, { signal, background: options?.background === true });
  let work: Promise<T>;
  try {
    work = task(d.signal);
  } catch (error) {
    d.dispose();
    return Promise.reject(error);
  }
  return d.race(work);
}
