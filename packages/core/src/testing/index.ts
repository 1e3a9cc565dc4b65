export { FakeClock, flushMicrotasks } from './fake-clock.js';
export { HeldServer } from './held-server.js';
export { refClock } from './ref-clock.js';
export { countingSignal } from './counting-signal.js';
export { capturingLogger, type CapturingLogger } from './capturing-logger.js';
export { everythingOf } from './everything-of.js';
export { freePort } from './free-port.js';
