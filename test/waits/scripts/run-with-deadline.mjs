// runWithDeadline: the deadline ends a task that never settles.
import { runWithDeadline, systemClock, TimeoutError } from '@rampart/core';

const err = await runWithDeadline(systemClock, 100, undefined, () => new Promise(() => {})).catch((e) => e);
console.log(err instanceof TimeoutError ? 'TimeoutError' : err);
