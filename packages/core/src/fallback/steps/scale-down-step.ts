import { FallbackStrategy } from '../../resource/resource-types.js';
import type { FallbackAction } from '../fallback-action.js';
import type { ChainEnvironment, ChainRun, FallbackCall, FallbackStepHandler, StepOutcome } from '../chain-types.js';
import { preferredProvider } from './degrade-service-step.js';

/**
 * SCALE_DOWN: lower the concurrency of the resource's bulkhead (× `factor`, default 0.5, never
 * below `minConcurrent`, default 1) and re-invoke through it. The concurrency returns to its
 * configured value once the resource's monitors report healthy.
 */
export const scaleDownStep: FallbackStepHandler = {
  strategy: FallbackStrategy.SCALE_DOWN,
  invokes: true,
  async run<T>(action: FallbackAction, call: FallbackCall<T>, run: ChainRun, env: ChainEnvironment): Promise<StepOutcome<T>> {
    env.scaleDown(call.resource, action);
    try {
      const provider = preferredProvider(call, run, env);
      return { answered: true, value: await env.invoke(call, run, FallbackStrategy.SCALE_DOWN, provider, run.degradation) };
    } catch (err) {
      return { answered: false, error: err };
    }
  },
};
