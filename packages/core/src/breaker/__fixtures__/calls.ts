/** Test helpers for the breaker tests: a call whose settlement the test controls. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = unknown>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** An error `classifyError` classes as transient (counted by default). */
export const transient = () => Object.assign(new Error('upstream 503'), { status: 503 });
/** An error `classifyError` classes as permanent (not counted by default). */
export const permanent = () => Object.assign(new Error('bad request'), { status: 400 });

/** Settle a promise into a tagged outcome, so a test can await it without unhandled rejections. */
export function outcome<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}
