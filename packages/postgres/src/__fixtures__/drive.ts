import type { FakeClock } from '@rampart/core/testing';

/** Let real I/O and fake time advance together until `promise` settles (retry backoffs wait on the fake clock). */
export async function driveClock<T>(clock: FakeClock, promise: Promise<T>): Promise<T> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled) {
    await clock.tickAsync(10);
    await new Promise((r) => setImmediate(r));
  }
  return promise;
}
