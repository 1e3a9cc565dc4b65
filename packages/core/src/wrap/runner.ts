import type { PolicyContext } from '../policy/policy.js';
import type { LayerExecuteOptions } from './execute-options.js';

/** The function a composed call runs. */
export type Fn<T> = (context: PolicyContext) => PromiseLike<T> | T;

/** Runs fn through composed layers: (fn, caller options, carried attempt, caller weight). */
export type Runner = <T>(fn: Fn<T>, options: LayerExecuteOptions, attempt: number, weight: number | undefined) => Promise<T>;
