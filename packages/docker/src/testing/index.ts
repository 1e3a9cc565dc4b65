// Test helpers of @rampart/docker: a local Engine API server on a unix socket.
export { FakeDockerEngine, type FakeDockerEngineOptions } from './fake-docker-engine.js';
export type { FakeContainerSpec, FakeContainerState } from './fake-container.js';
