// A timeout's deadline over a call that never settles (and never reads its signal).
import { createTimeout, TimeoutError } from '@rampart/core';

const err = await createTimeout({ timeoutMs: 100 })
  .execute(() => new Promise(() => {}))
  .catch((e) => e);
console.log(err instanceof TimeoutError ? 'TimeoutError' : err);
