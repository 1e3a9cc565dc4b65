import { FallbackStrategy } from '../../resource/resource-types.js';
import type { FallbackAction } from '../fallback-action.js';
import type { ChainEnvironment, ChainRun, FallbackCall, FallbackStepHandler, StepOutcome } from '../chain-types.js';

/**
 * QUEUE_REQUEST: park the call in the resource's bounded priority queue; it is replayed when the
 * resource's monitors report healthy again (or every `queue.retryIntervalMs` without monitors) and
 * the caller gets the replay's result. A full queue or `maxWaitMs` passing fails the step with
 * QueueFullError / QueueTimeoutError: nothing is dropped silently.
 */
export const queueRequestStep: FallbackStepHandler = {
  strategy: FallbackStrategy.QUEUE_REQUEST,
  invokes: false,
  async run<T>(_action: FallbackAction, call: FallbackCall<T>, run: ChainRun, env: ChainEnvironment): Promise<StepOutcome<T>> {
    try {
      return { answered: true, value: await env.enqueue(call, run) };
    } catch (err) {
      return { answered: false, error: err };
    }
  },
};
