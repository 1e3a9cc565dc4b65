// Public API of @rampart/llm. Every export is listed here by name.
export { ResilientLLM, DEFAULT_LLM_CHAIN, type LlmStats } from './resilient/resilient-llm.js';
export type { ResilientLLMOptions, ProviderConfig, ProviderPricing, Routing, StreamResumePolicy } from './config/llm-options.js';
export type {
  ProviderKind,
  ChatMessage,
  ChatRequest,
  ChatResponse,
  ChatChunk,
  StreamContinuedFrom,
  ToolDefinition,
  ToolCall,
  ToolChoice,
  Usage,
  FinishReason,
  InvokeOptions,
} from './types.js';
// errors
export { LlmError, type LlmErrorDetails } from './errors/llm-error.js';
export { LlmRateLimitError } from './errors/llm-rate-limit-error.js';
export { LlmOverloadedError } from './errors/llm-overloaded-error.js';
export { LlmServerError } from './errors/llm-server-error.js';
export { LlmConnectionError } from './errors/llm-connection-error.js';
export { LlmTimeoutError } from './errors/llm-timeout-error.js';
export { LlmAuthError } from './errors/llm-auth-error.js';
export { LlmQuotaExceededError } from './errors/llm-quota-exceeded-error.js';
export { LlmBadRequestError } from './errors/llm-bad-request-error.js';
export { LlmContextLengthError } from './errors/llm-context-length-error.js';
export { LlmContentFilteredError } from './errors/llm-content-filtered-error.js';
export { StreamInterruptedError } from './errors/stream-interrupted-error.js';
export { mapProviderError, type MapErrorContext, type SdkErrorClasses } from './errors/map-provider-error.js';
// quota
export {
  readRateLimitHeaders,
  parseResetMs,
  type HeaderSource,
  type QuotaSnapshot,
  type QuotaWindow,
  type QuotaWindowName,
} from './quota/rate-limit-headers.js';
export { QuotaTracker, type QuotaReading } from './quota/quota-tracker.js';
// cache and routing
export { requestCacheKey } from './cache/cache-key.js';
export type { ProviderStatsSnapshot } from './routing/provider-stats.js';
export {
  HedgeBudget,
  hedgeDelayMs,
  hedgingSchema,
  LatencyWindow,
  lostRace,
  ProviderHedging,
  raceHedged,
  resolveHedging,
  type HedgeRace,
  type HedgedCall,
  type HedgingOptions,
  type ResolvedHedging,
} from './routing/hedging.js';
