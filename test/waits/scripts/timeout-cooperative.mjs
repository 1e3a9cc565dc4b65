// A cooperative timeout: the call settles only when its signal aborts at the deadline.
import { createTimeout, TimeoutError } from '@rampart/core';

const err = await createTimeout({ timeoutMs: 100, cooperative: true })
  .execute(({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))))
  .catch((e) => e);
console.log(err instanceof TimeoutError ? 'TimeoutError' : err);
