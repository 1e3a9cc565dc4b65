export { FakeClock, flushMicrotasks } from './fake-clock.js';
export { HeldServer } from './held-server.js';
