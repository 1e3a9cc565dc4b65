import type { DualDecorator } from '../decorators/method-decorator.js';
import { policyDecorator } from '../decorators/policy-decorators.js';
import { createHedging, type HedgingOptions } from './hedging-policy.js';

/**
 * `@hedging({ delayMs: 500 })`, or `hedging(opts)(fn)`: a slow call gets a second attempt raced beside
 * it. One policy per decoration, shared by every instance. The method reads its attempt's context
 * (`attempt`, and the `signal` aborted when it loses the race) with `currentPolicyContext()` before
 * its first await.
 */
export function hedging(options: HedgingOptions): DualDecorator {
  return policyDecorator(createHedging(options), 'hedging');
}
