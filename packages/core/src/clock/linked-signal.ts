/** A signal that aborts when any of its sources does, and a way to let go of the sources. */
export interface LinkedSignal {
  readonly signal: AbortSignal;
  /** Remove the listeners this link added to its sources. Idempotent. */
  dispose(): void;
}

const NOOP = () => {};

/**
 * Link signals without `AbortSignal.any`: on Node 20, `AbortSignal.any([short, longLived])` keeps
 * about 60 bytes per call reachable from the long-lived source (a manager's stop signal, a monitor's
 * closing signal) for the life of that source, a leak measured here at 11.7 MB per 200,000 calls.
 * This adds one listener per source and removes it in {@link LinkedSignal.dispose}; call it in a
 * `finally`. With fewer than two sources, no controller is created.
 */
export function linkSignals(...sources: Array<AbortSignal | undefined>): LinkedSignal {
  const present = sources.filter((s): s is AbortSignal => s !== undefined);
  if (present.length === 0) return { signal: new AbortController().signal, dispose: NOOP };
  if (present.length === 1) return { signal: present[0]!, dispose: NOOP };
  const controller = new AbortController();
  const aborted = present.find((s) => s.aborted);
  if (aborted) {
    controller.abort(aborted.reason);
    return { signal: controller.signal, dispose: NOOP };
  }
  const listeners = present.map((source) => {
    const onAbort = () => {
      dispose();
      controller.abort(source.reason);
    };
    source.addEventListener('abort', onAbort, { once: true });
    return [source, onAbort] as const;
  });
  let disposed = false;
  function dispose(): void {
    if (disposed) return;
    disposed = true;
    for (const [source, onAbort] of listeners) source.removeEventListener('abort', onAbort);
  }
  return { signal: controller.signal, dispose };
}
