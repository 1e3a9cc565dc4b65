// Test helpers of @rampart/llm: a loopback server that speaks the OpenAI and Anthropic wire formats.
export {
  MockProviderServer,
  startMockProviderServer,
  type MockProviderServerOptions,
  type MockOutcome,
  type RecordedRequest,
  type RequestFilter,
} from './mock-provider-server.js';
export {
  MockProviderControl,
  type MockProviderOptions,
  type MockQuotaOptions,
  type MockQuotaState,
} from './mock-provider-control.js';
export type { MockFault, MockFaultType } from './mock-faults.js';
export { CALL_MARK } from './mock-reply.js';
