import { setMaxListeners } from 'node:events';

/**
 * A caller's AbortSignal that counts the listeners added to and removed from it, to show that a
 * policy removes every listener it adds (cockatiel's timeout leaked them exactly there). Allows
 * 1,000 listeners at once before Node warns.
 */
export function countingSignal(): { signal: AbortSignal; counts: { added: number; removed: number } } {
  const signal = new AbortController().signal;
  const counts = { added: 0, removed: 0 };
  setMaxListeners(1000, signal);
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<typeof add>) => {
    counts.added++;
    add(...args);
  }) as typeof add;
  signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
    counts.removed++;
    remove(...args);
  }) as typeof remove;
  return { signal, counts };
}
