// @rampart/core/internal: what Rampart's own integrations share with core and users should not need
// (option validation, redaction plumbing, signal linking, buffered writes). Not covered by semver;
// the documented API is the root entry point, `@rampart/core`.
export { withoutStack } from './errors/rampart-error.js';
export {
  nonEmptyString,
  positiveNumber,
  nonNegativeNumber,
  positiveInt,
  nonNegativeInt,
  fraction,
  optionsObject,
  clockOption,
  CLOCK_METHODS,
  booleanOption,
  describeValue,
  type NumberCheckOptions,
} from './config/validate.js';
export { knownKeys, unknownKeyError, suggestKey, type OptionKeys } from './config/known-keys.js';
export { zodIssueToConfigError } from './config/zod-issue.js';
export { linkSignals, type LinkedSignal } from './clock/linked-signal.js';
export { NEVER_ABORTED_SIGNAL } from './wrap/execute-options.js';
export { DeadlineScheduler, RESOLUTION_MS as DEADLINE_RESOLUTION_MS } from './timeout/deadline-scheduler.js';
export { UnwrittenWrites, MAX_UNWRITTEN_WRITES, UNWRITTEN_RETRY_MS } from './queue/unwritten-writes.js';
export { isAiSdkError, aiSdkFailureKind, type AiSdkFailureKind } from './classify/ai-sdk-errors.js';
export { errorClassifierCount } from './classify/classify-error.js';
export { isFallbackHost, findFallbackHost } from './fallback/fallback-host.js';
export { redactUrl, redactUrlsInText, isSecretParamName } from './monitors/redact-url.js';
export { redactDetails, redactString } from './health/redact.js';
export { replaceSecrets, secretForms, headerSecrets } from './redact/redact-secrets.js';
export { isSecretPath, redactSecretFields } from './redact/secret-path.js';
export { errorForLog, errorSummary } from './logging/error-for-log.js';
export { connectionsCheckingIntervalMs } from './server/server-limits.js';
