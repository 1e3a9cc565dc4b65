// Public API of @rampart/ai-sdk. Every export is listed here by name.
export { createResilientModel, ResilientLanguageModel, type StreamAttempt } from './resilient-model.js';
export type { ResilientModelOptions, ModelEntry, ContentFilterPolicy, StreamResumePolicy } from './options.js';
export type { HedgingOptions } from './hedge.js';
export { rampartMiddleware, type RampartMiddlewareOptions, type RampartMiddleware } from './middleware.js';
export { StreamInterruptedError, type StreamInterruptedDetails } from './errors/stream-interrupted-error.js';
export { ModelSkippedError, type ModelSkipReason } from './errors/model-skipped-error.js';
export { ModelCallFailedError } from './errors/model-call-failed-error.js';
export type { LanguageModelLike, CallOptionsLike, StreamPartLike } from './types.js';
